package arcus.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line charts as PNG with plain Java2D, so training curves can be drawn on headless servers
 * without Python. One or more panels side by side (e.g. loss left, accuracy right), each with
 * several named series, axes with tick labels and a legend.
 */
public final class LinePlot {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
  };

  private LinePlot() {}

  /** One line; points with a non-finite y are gaps. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "series '" + name + "': " + x.length + " x values but " + y.length + " y values");
      }
    }
  }

  public record Panel(String title, String xLabel, String yLabel, List<Series> series) {
    public Panel {
      series = List.copyOf(series);
    }
  }

  static {
    // Must be set before the first AWT class loads; harmless when already headless.
    System.setProperty("java.awt.headless", "true");
  }

  /** Renders and writes the panels side by side as a PNG, atomically. */
  public static void write(Path png, String title, List<Panel> panels, int width, int height) {
    Png.write(png, render(title, panels, width, height));
  }

  public static BufferedImage render(String title, List<Panel> panels, int width, int height) {
    if (panels.isEmpty() || width < 100 || height < 100) {
      throw new IllegalArgumentException("plot '" + title + "': need at least one panel and 100x100"
          + " pixels, got " + panels.size() + " panels, " + width + "x" + height);
    }
    BufferedImage img = Png.blank(width, height);
    Graphics2D g = Png.graphics(img);
    try {
      int top = 0;
      if (title != null && !title.isEmpty()) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (width - fm.stringWidth(title)) / 2, fm.getAscent() + 6);
        top = fm.getHeight() + 10;
      }
      int pw = width / panels.size();
      for (int i = 0; i < panels.size(); i++) {
        drawPanel(g, panels.get(i), i * pw, top, pw, height - top);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void drawPanel(Graphics2D g, Panel p, int x0, int y0, int w, int h) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int left = x0 + 62;
    int right = x0 + w - 16;
    int top = y0 + (p.title().isEmpty() ? 10 : fm.getHeight() + 12);
    int bottom = y0 + h - 2 * fm.getHeight() - 10;
    g.setColor(Color.BLACK);
    if (!p.title().isEmpty()) {
      g.drawString(p.title(), x0 + (w - fm.stringWidth(p.title())) / 2, y0 + fm.getAscent() + 4);
    }
    double[] xr = range(p.series(), true);
    double[] yr = range(p.series(), false);
    double[] xt = ticks(xr[0], xr[1], Math.max(2, (right - left) / 80));
    double[] yt = ticks(yr[0], yr[1], Math.max(2, (bottom - top) / 50));
    double xmin = Math.min(xr[0], xt[0]);
    double xmax = Math.max(xr[1], xt[xt.length - 1]);
    double ymin = Math.min(yr[0], yt[0]);
    double ymax = Math.max(yr[1], yt[yt.length - 1]);
    // Grid and tick labels.
    for (double t : yt) {
      int py = (int) Math.round(map(t, ymin, ymax, bottom, top));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(left, py, right, py);
      g.setColor(Color.DARK_GRAY);
      String s = tick(t, yt);
      g.drawString(s, left - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
    for (double t : xt) {
      int px = (int) Math.round(map(t, xmin, xmax, left, right));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(px, top, px, bottom);
      g.setColor(Color.DARK_GRAY);
      String s = tick(t, xt);
      g.drawString(s, px - fm.stringWidth(s) / 2, bottom + fm.getAscent() + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    g.drawString(p.xLabel(), (left + right - fm.stringWidth(p.xLabel())) / 2,
        bottom + fm.getHeight() + fm.getAscent() + 6);
    var saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(p.yLabel(), -(top + bottom + fm.stringWidth(p.yLabel())) / 2,
        x0 + fm.getAscent() + 2);
    g.setTransform(saved);
    // Lines, clipped to the plot area.
    var clip = g.getClip();
    g.clipRect(left, top, right - left + 1, bottom - top + 1);
    g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int i = 0; i < p.series().size(); i++) {
      Series s = p.series().get(i);
      g.setColor(PALETTE[i % PALETTE.length]);
      Path2D.Double path = new Path2D.Double();
      boolean pen = false;
      for (int k = 0; k < s.x().length; k++) {
        if (!Double.isFinite(s.x()[k]) || !Double.isFinite(s.y()[k])) {
          pen = false;
          continue;
        }
        double px = map(s.x()[k], xmin, xmax, left, right);
        double py = map(s.y()[k], ymin, ymax, bottom, top);
        if (pen) {
          path.lineTo(px, py);
        } else {
          path.moveTo(px, py);
          pen = true;
        }
      }
      g.draw(path);
      if (s.x().length == 1) {
        double px = map(s.x()[0], xmin, xmax, left, right);
        double py = map(s.y()[0], ymin, ymax, bottom, top);
        g.fillOval((int) px - 3, (int) py - 3, 6, 6);
      }
    }
    g.setClip(clip);
    g.setStroke(new BasicStroke(1f));
    legend(g, p.series(), right, top);
  }

  private static void legend(Graphics2D g, List<Series> series, int right, int top) {
    if (series.isEmpty()) {
      return;
    }
    FontMetrics fm = g.getFontMetrics();
    int textW = 0;
    for (Series s : series) {
      textW = Math.max(textW, fm.stringWidth(s.name()));
    }
    int lh = fm.getHeight();
    int bw = textW + 36;
    int bh = lh * series.size() + 8;
    int bx = right - bw - 8;
    int by = top + 8;
    g.setColor(new Color(255, 255, 255, 220));
    g.fillRect(bx, by, bw, bh);
    g.setColor(Color.GRAY);
    g.drawRect(bx, by, bw, bh);
    for (int i = 0; i < series.size(); i++) {
      int ly = by + 4 + i * lh + lh / 2;
      g.setColor(PALETTE[i % PALETTE.length]);
      g.setStroke(new BasicStroke(2.5f));
      g.drawLine(bx + 6, ly, bx + 24, ly);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(series.get(i).name(), bx + 30, ly + fm.getAscent() / 2 - 1);
    }
  }

  private static double map(double v, double lo, double hi, double a, double b) {
    return a + (v - lo) / (hi - lo) * (b - a);
  }

  /** Finite data range, widened when empty or flat so the axes stay drawable. */
  static double[] range(List<Series> series, boolean xAxis) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int k = 0; k < s.x().length; k++) {
        if (Double.isFinite(s.x()[k]) && Double.isFinite(s.y()[k])) {
          double v = xAxis ? s.x()[k] : s.y()[k];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return new double[] {0, 1};
    }
    if (lo == hi) {
      double d = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      return new double[] {lo - d, hi + d};
    }
    return new double[] {lo, hi};
  }

  /** "Nice" ticks (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
  static double[] ticks(double lo, double hi, int maxTicks) {
    double raw = (hi - lo) / Math.max(1, maxTicks);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 5, 10}) {
      step = m * mag;
      if (step >= raw) {
        break;
      }
    }
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    List<Double> out = new ArrayList<>();
    for (double t = first; t <= last + step * 1e-9; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static String tick(double v, double[] all) {
    double step = all.length > 1 ? Math.abs(all[1] - all[0]) : 1;
    double big = Math.max(Math.abs(all[0]), Math.abs(all[all.length - 1]));
    if (big >= 1e5 || (big > 0 && big < 1e-3)) {
      return String.format(Locale.ROOT, "%.1e", v);
    }
    int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
