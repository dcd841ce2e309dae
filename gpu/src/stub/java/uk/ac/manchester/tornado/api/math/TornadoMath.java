package uk.ac.manchester.tornado.api.math;

/**
 * Compile-time stand-in for the overloads of TornadoVM's {@code TornadoMath} that the kernels
 * use (on a device they become OpenCL's float or double builtins). Compiled only when
 * {@code TORNADOVM_HOME} is unset, and then shipped in the gpu jar, since the jvm-kernels backend
 * calls these at run time (written for Arcus, not copied from TornadoVM, whose API jar is not on
 * Maven Central); on the JVM the float ones round Java's
 * double result to float, as the CPU backend does.
 */
public final class TornadoMath {
  private TornadoMath() {}

  public static float exp(float x) { return (float) Math.exp(x); }

  public static float log(float x) { return (float) Math.log(x); }

  public static float sqrt(float x) { return (float) Math.sqrt(x); }

  public static float abs(float x) { return Math.abs(x); }

  public static float sin(float x) { return (float) Math.sin(x); }

  public static float cos(float x) { return (float) Math.cos(x); }

  public static float acos(float x) { return (float) Math.acos(x); }

  public static float tanh(float x) { return (float) Math.tanh(x); }

  public static float pow(float x, float y) { return (float) Math.pow(x, y); }

  public static float max(float x, float y) { return Math.max(x, y); }

  public static float min(float x, float y) { return Math.min(x, y); }

  public static double exp(double x) { return Math.exp(x); }

  public static double log(double x) { return Math.log(x); }

  public static double sqrt(double x) { return Math.sqrt(x); }

  public static double abs(double x) { return Math.abs(x); }

  public static double sin(double x) { return Math.sin(x); }

  public static double cos(double x) { return Math.cos(x); }

  public static double acos(double x) { return Math.acos(x); }

  public static double tanh(double x) { return Math.tanh(x); }

  public static double pow(double x, double y) { return Math.pow(x, y); }

  public static double max(double x, double y) { return Math.max(x, y); }

  public static double min(double x, double y) { return Math.min(x, y); }
}
