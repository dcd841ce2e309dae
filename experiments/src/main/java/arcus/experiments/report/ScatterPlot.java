package arcus.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A headless Java2D scatter plot of 2-D points coloured by class (paper 001's 2-D feature
 * visualisation): one square panel per loss side by side, a legend of the classes, and
 * optionally each class's weight direction drawn as a line from the origin in the class colour.
 * The axes are symmetric around the origin, so angles look like angles.
 */
public final class ScatterPlot {
  private ScatterPlot() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Ten distinguishable colours (matplotlib's tab10), reused cyclically beyond ten classes. */
  public static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
  };

  /**
   * One panel.
   *
   * @param x, y point coordinates
   * @param labels the class of each point, in [0, classNames.length)
   * @param directions null, or one (x, y) direction per class, drawn from the origin to the edge
   */
  public record Panel(String title, double[] x, double[] y, int[] labels, List<String> classNames, double[][] directions) {
    public Panel {
      if (x.length != y.length || x.length != labels.length)
        throw new IllegalArgumentException("scatter panel '" + title + "': " + x.length + " x, " + y.length + " y, " + labels.length + " labels");
      for (int l : labels)
        if (l < 0 || l >= classNames.size()) throw new IllegalArgumentException("scatter panel '" + title + "': label " + l + " has no class name");
      if (directions != null && directions.length != classNames.size())
        throw new IllegalArgumentException("scatter panel '" + title + "': " + directions.length + " directions for " + classNames.size() + " classes");
      classNames = List.copyOf(classNames);
    }
  }

  /** Renders the panels side by side (each {@code panelSize} pixels wide) and writes a PNG atomically. */
  public static void write(Path png, String title, List<Panel> panels, int panelSize) {
    Png.write(png, render(title, panels, panelSize));
  }

  public static BufferedImage render(String title, List<Panel> panels, int panelSize) {
    if (panels.isEmpty() || panelSize < 200)
      throw new IllegalArgumentException("scatter plot '" + title + "': need a panel and at least 200 pixels, got " + panels.size() + ", " + panelSize);
    int legendW = 110, titleH = title == null || title.isEmpty() ? 0 : 30;
    int width = panels.size() * panelSize + legendW, height = panelSize + titleH;
    BufferedImage img = Png.blank(width, height);
    Graphics2D g = Png.graphics(img);
    try {
      if (titleH > 0) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (width - fm.stringWidth(title)) / 2, fm.getAscent() + 6);
      }
      for (int i = 0; i < panels.size(); i++) drawPanel(g, panels.get(i), i * panelSize, titleH, panelSize);
      drawLegend(g, panels.get(0).classNames(), panels.size() * panelSize + 8, titleH + 30);
    } finally {
      g.dispose();
    }
    return img;
  }

  private static Color color(int c) {
    return COLORS[c % COLORS.length];
  }

  private static void drawLegend(Graphics2D g, List<String> names, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int row = fm.getHeight() + 4;
    for (int c = 0; c < names.size(); c++) {
      g.setColor(color(c));
      g.fillOval(x, y + c * row - 9, 10, 10);
      g.setColor(Color.BLACK);
      g.drawString(names.get(c), x + 16, y + c * row);
    }
  }

  private static void drawPanel(Graphics2D g, Panel p, int x0, int y0, int size) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int left = x0 + 56, top = y0 + fm.getHeight() + 10;
    int side = Math.min(size - 56 - 14, size - (top - y0) - 2 * fm.getHeight() - 12);
    int right = left + side, bottom = top + side;
    g.setColor(Color.BLACK);
    g.drawString(p.title(), x0 + (size - fm.stringWidth(p.title())) / 2, y0 + fm.getAscent() + 4);
    double r = 0;
    for (int i = 0; i < p.x().length; i++) {
      if (Double.isFinite(p.x()[i])) r = Math.max(r, Math.abs(p.x()[i]));
      if (Double.isFinite(p.y()[i])) r = Math.max(r, Math.abs(p.y()[i]));
    }
    if (!(r > 0)) r = 1;
    double step = niceStep(2 * r / 6);
    double lim = Math.ceil(r * 1.05 / step) * step;
    // grid, ticks and axes through the origin
    for (double t = -lim; t <= lim + step / 2; t += step) {
      int px = (int) Math.round(map(t, -lim, lim, left, right));
      int py = (int) Math.round(map(t, -lim, lim, bottom, top));
      g.setColor(new Color(0xeeeeee));
      g.drawLine(px, top, px, bottom);
      g.drawLine(left, py, right, py);
      g.setColor(Color.DARK_GRAY);
      String s = tick(t, step);
      g.drawString(s, px - fm.stringWidth(s) / 2, bottom + fm.getAscent() + 4);
      g.drawString(s, left - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
    g.setColor(new Color(0xaaaaaa));
    int ox = (int) Math.round(map(0, -lim, lim, left, right)), oy = (int) Math.round(map(0, -lim, lim, bottom, top));
    g.drawLine(ox, top, ox, bottom);
    g.drawLine(left, oy, right, oy);
    var clip = g.getClip();
    g.clipRect(left, top, side, side);
    for (int i = 0; i < p.x().length; i++) {
      if (!Double.isFinite(p.x()[i]) || !Double.isFinite(p.y()[i])) continue;
      double px = map(p.x()[i], -lim, lim, left, right), py = map(p.y()[i], -lim, lim, bottom, top);
      Color c = color(p.labels()[i]);
      g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
      Shape dot = new Ellipse2D.Double(px - 2, py - 2, 4, 4);
      g.fill(dot);
    }
    if (p.directions() != null) {
      for (int c = 0; c < p.directions().length; c++) {
        double dx = p.directions()[c][0], dy = p.directions()[c][1], n = Math.hypot(dx, dy);
        if (!(n > 0)) continue;
        double ex = map(dx / n * lim, -lim, lim, left, right), ey = map(dy / n * lim, -lim, lim, bottom, top);
        Line2D line = new Line2D.Double(ox, oy, ex, ey);
        g.setStroke(new BasicStroke(4f));
        g.setColor(Color.BLACK);
        g.draw(line);
        g.setStroke(new BasicStroke(2.5f));
        g.setColor(color(c));
        g.draw(line);
      }
      g.setStroke(new BasicStroke(1f));
    }
    g.setClip(clip);
    g.setColor(Color.BLACK);
    g.drawRect(left, top, side, side);
  }

  private static double map(double v, double a, double b, double pa, double pb) {
    return pa + (v - a) / (b - a) * (pb - pa);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  public static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  private static String tick(double t, double step) {
    if (Math.abs(t) < step * 1e-9) return "0";
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)));
    return String.format(Locale.ROOT, "%." + decimals + "f", t);
  }
}
