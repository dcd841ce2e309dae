package arcus.experiments.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident set size of this process, from Linux's /proc/self/status (VmHWM). */
public final class PeakRss {
  private static final Path STATUS = Path.of("/proc/self/status");

  private PeakRss() {}

  /** Peak RSS in bytes, or -1 where /proc is unavailable (macOS, Windows). */
  public static long bytes() {
    try {
      return parse(Files.readString(STATUS));
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }

  /** VmHWM from the text of a /proc/PID/status file, in bytes; -1 if absent or unreadable. */
  static long parse(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        try {
          long v = Long.parseLong(parts[0]);
          // The kernel always reports kB (KiB).
          return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
