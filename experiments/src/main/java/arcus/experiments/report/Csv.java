package arcus.experiments.report;

import arcus.nn.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;

/** RFC 4180 CSV with "\n" line ends; fields are quoted only when needed. */
public final class Csv {
  private Csv() {}

  /** Writes a header and rows atomically; every row must have the header's width. */
  public static void write(Path path, List<String> header, List<? extends List<?>> rows) {
    AtomicFiles.writeString(path, format(path.toString(), header, rows));
  }

  public static String format(String source, List<String> header, List<? extends List<?>> rows) {
    StringBuilder sb = new StringBuilder();
    line(sb, header);
    for (int i = 0; i < rows.size(); i++) {
      List<?> r = rows.get(i);
      if (r.size() != header.size()) {
        throw new IllegalArgumentException(source + ": row " + i + " has " + r.size()
            + " fields but the header has " + header.size());
      }
      line(sb, r);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<?> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(field(fields.get(i)));
    }
    sb.append('\n');
  }

  /** One field: null is empty, non-finite doubles are NaN, inf, -inf, which pandas reads back. */
  public static String field(Object v) {
    if (v == null) {
      return "";
    }
    String s;
    if (v instanceof Double d && !d.isNaN() && !d.isInfinite() && d == Math.rint(d)
        && Math.abs(d) < 1e15) {
      s = Long.toString(d.longValue());
    } else if (v instanceof Double d && d.isInfinite()) {
      s = d > 0 ? "inf" : "-inf";
    } else {
      s = v.toString();
    }
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
