package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.jna.Pointer;
import io.virtrev.api.source.DomainObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * {@link DomainReader} on libvirt's in-process test driver: its calls are in flight together (a
 * {@link GatedExecutor} lets them run only once all of them wait), and what it reads is what libvirt
 * answers to each call made on its own (libvirt-java, another connection) and what a read with every
 * call in turn finds. The test changes domains between a handle's lookup and its read, which the
 * concurrent read must handle as the sequential one did.
 */
class DomainReaderTest {
  private static final String URI = "test:///default";
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;
  private static final ParallelCalls SEQUENTIAL = ParallelCalls.on(Runnable::run);

  private static Connect mutator;
  private static NativeConnect reader;
  private final List<Domain> defined = new ArrayList<>();

  @BeforeAll
  static void connect() throws LibvirtException {
    EventLoop.ensureStarted();
    mutator = new Connect(URI);
    reader = new NativeConnect(URI);
  }

  @AfterAll
  static void disconnect() throws LibvirtException {
    reader.close();
    mutator.close();
  }

  @AfterEach
  void removeDefined() throws LibvirtException {
    for (Domain d : defined) {
      try {
        if (d.isActive() == 1) {
          d.destroy();
        }
        d.undefine();
      } catch (LibvirtException e) {
        // already gone
      } finally {
        d.free();
      }
    }
  }

  /**
   * A running domain: state (on the caller), config XML, live XML, persistence and autostart: the four
   * after the first are in flight at once. A shutoff one with autostart: three at once, no live XML.
   */
  @Test
  void aReadHasItsCallsInFlightTogetherAndReadsWhatLibvirtAnswersToEach() throws Exception {
    Domain running = define("run");
    running.create();
    Domain off = define("off");
    off.setAutostart(true);

    GatedExecutor four = new GatedExecutor(4);
    DomainObservation r = DomainReader.lookupAndRead(reader, running.getUUIDString(), ParallelCalls.on(four));
    assertThat(four.failures()).isEmpty();
    assertThat(four.submitted()).isEqualTo(4);
    assertThat(r).isEqualTo(expected(running, "running"))
        .isEqualTo(DomainReader.lookupAndRead(reader, running.getUUIDString(), SEQUENTIAL));
    assertThat(r.reason()).isEqualTo("booted");

    GatedExecutor three = new GatedExecutor(3);
    DomainObservation o = DomainReader.lookupAndRead(reader, off.getUUIDString(), ParallelCalls.on(three));
    assertThat(three.failures()).isEmpty();
    assertThat(three.submitted()).isEqualTo(3);
    assertThat(o).isEqualTo(expected(off, "shutoff"))
        .isEqualTo(DomainReader.lookupAndRead(reader, off.getUUIDString(), SEQUENTIAL));
    assertThat(o.autostart()).isTrue();
    assertThat(o.liveXml()).isNull();
  }

  /** The pool the source owns: the same observation as the sequential read, read after read. */
  @Test
  void theSourcesPoolReadsWhatTheSequentialReadReads() throws Exception {
    Domain running = define("pool");
    running.create();
    try (ParallelCalls pool = ParallelCalls.pool("test-read")) {
      for (int i = 0; i < 50; i++) {
        assertThat(DomainReader.lookupAndRead(reader, running.getUUIDString(), pool))
            .isEqualTo(DomainReader.lookupAndRead(reader, running.getUUIDString(), SEQUENTIAL))
            .isEqualTo(expected(running, "running"));
      }
    }
  }

  /** Handle made while shut off, domain started before the read: the state decides, live XML read after it. */
  @Test
  void aDomainStartedAfterItsLookupIsReadActiveWithItsLiveXml() throws Exception {
    Domain d = define("started");
    Pointer dom = lookup(d);
    try {
      d.create();
      GatedExecutor three = new GatedExecutor(3); // no live XML speculated: the handle said inactive
      DomainObservation o = DomainReader.read(dom, DomainReader.Known.NOTHING, ParallelCalls.on(three));
      assertThat(three.failures()).isEmpty();
      assertThat(o.state()).isEqualTo("running");
      assertThat(o.liveXml()).isEqualTo(d.getXMLDesc(0));
      assertThat(o.configXml()).isEqualTo(d.getXMLDesc(LibvirtNative.XML_INACTIVE));
      assertThat(o.id()).isNull(); // the handle predates the start; the next read has it
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  /** Handle made while running, domain destroyed before the read: shutoff, and no live XML. */
  @Test
  void aDomainStoppedAfterItsLookupIsReadShutoffWithoutLiveXml() throws Exception {
    Domain d = define("stopped");
    d.create();
    Pointer dom = lookup(d);
    try {
      d.destroy();
      DomainObservation o =
          DomainReader.read(dom, DomainReader.Known.NOTHING, ParallelCalls.on(new GatedExecutor(4)));
      assertThat(o).isEqualTo(expected(d, "shutoff"));
      assertThat(o.liveXml()).isNull();
      assertThat(o.id()).isNull();
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  /** A domain that vanished between lookup and read fails with VIR_ERR_NO_DOMAIN, as before. */
  @Test
  void aDomainUndefinedAfterItsLookupIsNoDomain() throws Exception {
    Domain d = define("gone");
    Pointer dom = lookup(d);
    try {
      d.undefine();
      NativeCallException e = catchThrowableOfType(NativeCallException.class,
          () -> DomainReader.read(dom, DomainReader.Known.NOTHING, ParallelCalls.on(new GatedExecutor(3))));
      assertThat(e.code()).isEqualTo(LibvirtErrors.NO_DOMAIN);
      assertThat(e.getMessage()).startsWith("Domain not found");
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  private Domain define(String tag) throws LibvirtException {
    String uuid = UUID.randomUUID().toString();
    Domain d = mutator.domainDefineXML(
        TestDriverContractTest.testDomainXml("vrt-read-" + tag + "-" + uuid.substring(0, 8), uuid));
    defined.add(d);
    return d;
  }

  private static Pointer lookup(Domain d) throws LibvirtException {
    Pointer dom = LIB.virDomainLookupByUUIDString(reader.pointer(), d.getUUIDString());
    assertThat(dom).isNotNull();
    return dom;
  }

  /** The observation as libvirt-java's separate calls on another connection give it; reason left to the read. */
  private static DomainObservation expected(Domain d, String state) throws Exception {
    assertThat(DomainStates.name(d.getInfo().state.ordinal(), 0).state()).isEqualTo(state);
    boolean active = !state.equals("shutoff");
    DomainObservation read = DomainReader.lookupAndRead(reader, d.getUUIDString(), SEQUENTIAL);
    return new DomainObservation(d.getUUIDString(), d.getName(), d.getXMLDesc(LibvirtNative.XML_INACTIVE),
        active ? d.getXMLDesc(0) : null, d.isPersistent() == 1, d.getAutostart(), state,
        read.reason(), active ? d.getID() : null);
  }
}
