package arcus.gpu;

/** The one TornadoVM backend the device tests share (each new one would recompile every kernel). */
final class Device {
  private Device() {}

  static final TornadoBackend GPU = (TornadoBackend) Backends.byName("tornado");
}
