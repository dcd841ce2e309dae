package arcus.experiments.experiment;

import arcus.experiments.report.Png;
import arcus.experiments.report.ScatterPlot;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A headless grouped bar chart (paper 000, Fig. 5): one group per class, one bar per series. */
final class BarChart {
  private BarChart() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** values[s][g]: series s, group g (NaN = no bar). */
  record Panel(String title, String yLabel, List<String> groups, List<String> series, double[][] values) {}

  static void write(Path png, String title, List<Panel> panels, int panelWidth, int height) {
    int titleH = 30, legendH = 22 * ((panels.get(0).series().size() + 2) / 3) + 8;
    int width = panels.size() * panelWidth;
    BufferedImage img = Png.blank(width, height);
    Graphics2D g = Png.graphics(img);
    try {
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.setColor(Color.BLACK);
      FontMetrics tf = g.getFontMetrics();
      g.drawString(title, (width - tf.stringWidth(title)) / 2, tf.getAscent() + 6);
      double max = 0;
      for (Panel p : panels) for (double[] s : p.values()) for (double v : s) if (Double.isFinite(v)) max = Math.max(max, v);
      if (!(max > 0)) max = 1;
      double step = ScatterPlot.niceStep(max / 6);
      double top = Math.ceil(max * 1.05 / step) * step;
      for (int i = 0; i < panels.size(); i++) drawPanel(g, panels.get(i), i * panelWidth, titleH, panelWidth, height - titleH - legendH, top, step);
      // legend
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      List<String> series = panels.get(0).series();
      for (int s = 0; s < series.size(); s++) {
        int lx = 70 + (s % 3) * (width - 80) / 3, ly = height - legendH + 8 + (s / 3) * 22;
        g.setColor(ScatterPlot.COLORS[s % ScatterPlot.COLORS.length]);
        g.fillRect(lx, ly, 14, 12);
        g.setColor(Color.BLACK);
        g.drawString(series.get(s), lx + 20, ly + 11);
      }
    } finally {
      g.dispose();
    }
    Png.write(png, img);
  }

  private static void drawPanel(Graphics2D g, Panel p, int x0, int y0, int w, int h, double ymax, double step) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int left = x0 + 60, right = x0 + w - 12, top = y0 + fm.getHeight() + 8, bottom = y0 + h - fm.getHeight() - 10;
    g.setColor(Color.BLACK);
    g.drawString(p.title(), x0 + (w - fm.stringWidth(p.title())) / 2, y0 + fm.getAscent() + 2);
    for (double t = 0; t <= ymax + step / 2; t += step) {
      int py = (int) Math.round(bottom - t / ymax * (bottom - top));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(left, py, right, py);
      g.setColor(Color.DARK_GRAY);
      String s = step >= 1 ? String.format(Locale.ROOT, "%.0f", t) : String.format(Locale.ROOT, "%.2f", t);
      g.drawString(s, left - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
    var saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.setColor(Color.BLACK);
    g.drawString(p.yLabel(), -(top + bottom + fm.stringWidth(p.yLabel())) / 2, x0 + fm.getAscent() + 2);
    g.setTransform(saved);
    int groups = p.groups().size(), series = p.series().size();
    double gw = (double) (right - left) / groups, bw = gw * 0.8 / series;
    for (int gi = 0; gi < groups; gi++) {
      double gx = left + gi * gw + gw * 0.1;
      for (int s = 0; s < series; s++) {
        double v = p.values()[s][gi];
        if (!Double.isFinite(v)) continue;
        int bh = (int) Math.round(v / ymax * (bottom - top));
        g.setColor(ScatterPlot.COLORS[s % ScatterPlot.COLORS.length]);
        g.fillRect((int) Math.round(gx + s * bw), bottom - bh, Math.max(1, (int) Math.round(bw) - 1), bh);
      }
      g.setColor(Color.BLACK);
      String name = p.groups().get(gi);
      g.drawString(name, (int) Math.round(left + gi * gw + (gw - fm.stringWidth(name)) / 2), bottom + fm.getAscent() + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
  }
}
