package io.virtrev.libvirt;

import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.IncorrectSchemaException;
import com.thaiopensource.validate.Schema;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.Validator;
import com.thaiopensource.validate.rng.SAXSchemaReader;
import io.virtrev.api.source.SourceException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Checks XML against one of libvirt's own RELAX NG schemas ({@code domain.rng} for domains,
 * {@code network.rng} for networks, {@code domainsnapshot.rng} for snapshots), the check {@code virt-xml-validate} and the define's
 * {@code VALIDATE} flag make, without defining anything: what
 * a dry run has instead of libvirt's define. It does not find what only libvirt's parser and driver find
 * (a missing emulator, an unsupported configuration, a name clash inside libvirt).
 *
 * <p>Thread-safe: the compiled schema is immutable and shared (compiled once, on first use, under
 * {@code this}); each check makes its own validator and parser.
 */
public final class DomainSchema {
  /** Where libvirt installs its schemas (the host's libvirt, which a local daemon connects to). */
  public static final Path DEFAULT = Path.of("/usr/share/libvirt/schemas/domain.rng");
  /** libvirt's schema of network XML, the one {@code VIR_NETWORK_DEFINE_VALIDATE} checks against. */
  public static final Path NETWORK = Path.of("/usr/share/libvirt/schemas/network.rng");
  /** libvirt's schema of snapshot XML, the one {@code VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE} checks against. */
  public static final Path SNAPSHOT = Path.of("/usr/share/libvirt/schemas/domainsnapshot.rng");
  private static final int MAX_ERRORS = 5;

  private final Path rng;
  private Schema schema; // guarded by this; null until first compiled

  public DomainSchema(Path rng) {
    this.rng = rng;
  }

  /**
   * Parses {@code xml} (no DTDs, no external entities) and, with {@code schema}, validates it.
   *
   * @throws SourceException INVALID_XML with code 27 (libvirt's VIR_ERR_XML_ERROR) if malformed, 92
   *     (VIR_ERR_XML_INVALID_SCHEMA) with the validator's messages if invalid; OTHER if the schema
   *     itself cannot be read, naming its path: a dry run never passes unchecked
   */
  public void check(String xml, boolean schema) {
    List<String> errors = new ArrayList<>();
    ErrorHandler collect = new ErrorHandler() {
      @Override
      public void warning(SAXParseException e) {}

      @Override
      public void error(SAXParseException e) {
        if (errors.size() < MAX_ERRORS) {
          errors.add("line " + e.getLineNumber() + ": " + e.getMessage());
        }
      }

      @Override
      public void fatalError(SAXParseException e) throws SAXParseException {
        throw e;
      }
    };
    XMLReader reader = reader();
    reader.setErrorHandler(collect);
    if (schema) {
      PropertyMapBuilder props = new PropertyMapBuilder();
      props.put(ValidateProperty.ERROR_HANDLER, collect);
      Validator v = compiled().createValidator(props.toPropertyMap());
      reader.setContentHandler(v.getContentHandler());
    }
    try {
      reader.parse(new InputSource(new StringReader(xml)));
    } catch (SAXParseException e) {
      throw new SourceException(SourceException.Kind.INVALID_XML, 27, "XML error: line " + e.getLineNumber()
          + ": " + e.getMessage(), e);
    } catch (SAXException | IOException e) {
      throw new SourceException(SourceException.Kind.INVALID_XML, 27, "XML error: " + e.getMessage(), e);
    }
    if (!errors.isEmpty()) {
      throw new SourceException(SourceException.Kind.INVALID_XML, 92, "XML document failed to validate against"
          + " schema: Unable to validate doc against " + rng + "\n" + String.join("\n", errors), null);
    }
  }

  private synchronized Schema compiled() {
    if (schema == null) {
      if (!Files.isReadable(rng)) {
        throw new SourceException(SourceException.Kind.OTHER, -1, "cannot check the XML against libvirt's schema: "
            + rng + " is not readable (install libvirt's schemas, e.g. the libvirt-daemon package)", null);
      }
      PropertyMapBuilder props = new PropertyMapBuilder();
      try {
        schema = SAXSchemaReader.getInstance().createSchema(new InputSource(rng.toUri().toString()),
            props.toPropertyMap());
      } catch (IOException | SAXException | IncorrectSchemaException e) {
        throw new SourceException(SourceException.Kind.OTHER, -1, "cannot read libvirt's schema " + rng + ": "
            + e.getMessage(), e);
      }
    }
    return schema;
  }

  private static XMLReader reader() {
    try {
      SAXParserFactory f = SAXParserFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      return f.newSAXParser().getXMLReader();
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("no usable SAX parser", e);
    }
  }
}
