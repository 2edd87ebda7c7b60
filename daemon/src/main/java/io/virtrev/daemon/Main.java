package io.virtrev.daemon; public final class Main { public static void main(String[] a) {} }
