package arcus.experiments.report;

import arcus.nn.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;

/**
 * What the headless JFreeChart figures share: one palette and style, several charts composed
 * side by side on one image under a common title, and writing that image as a PNG atomically.
 */
public final class Charts {
  private Charts() {}

  static {
    // Must be set before the first AWT class loads; harmless when already headless.
    System.setProperty("java.awt.headless", "true");
  }

  /** Ten distinguishable colours (matplotlib's tab10), reused cyclically beyond ten series. */
  public static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
  };

  public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  public static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
  private static final Color GRID = new Color(0xdddddd);
  private static final int TITLE_HEIGHT = 30;

  public static Color color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** A white background, light grey solid grid lines, the panel title in {@link #PANEL_TITLE}. */
  public static JFreeChart styled(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getTitle() != null) chart.getTitle().setFont(PANEL_TITLE);
    Plot p = chart.getPlot();
    p.setBackgroundPaint(Color.WHITE);
    p.setOutlinePaint(Color.GRAY);
    BasicStroke grid = new BasicStroke(0.8f);
    if (p instanceof org.jfree.chart.plot.XYPlot xy) {
      xy.setDomainGridlinePaint(GRID);
      xy.setRangeGridlinePaint(GRID);
      xy.setDomainGridlineStroke(grid);
      xy.setRangeGridlineStroke(grid);
    } else if (p instanceof org.jfree.chart.plot.CategoryPlot cp) {
      cp.setRangeGridlinePaint(GRID);
      cp.setRangeGridlineStroke(grid);
    }
    if (chart.getLegend() != null) {
      chart.getLegend().setPosition(RectangleEdge.BOTTOM);
      chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    return chart;
  }

  /**
   * Draws {@code charts} side by side, each {@code panelWidth} wide, under {@code title} (none if
   * empty), with {@code legend} (may be null) in a strip of {@code legendWidth} pixels on the right.
   */
  public static BufferedImage compose(String title, List<JFreeChart> charts, int panelWidth, int height, LegendTitle legend, int legendWidth) {
    if (charts.isEmpty()) throw new IllegalArgumentException("figure '" + title + "': no panels");
    int width = charts.size() * panelWidth + (legend == null ? 0 : legendWidth);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setPaint(Color.WHITE);
      g.fillRect(0, 0, width, height);
      int top = 0;
      if (title != null && !title.isEmpty()) {
        TextTitle t = new TextTitle(title, fitted(g, title, TITLE, width - 16));
        t.setPaint((Paint) Color.BLACK);
        // A title lays out its text in arrange(); drawn without it, it draws nothing.
        t.arrange(g, org.jfree.chart.block.RectangleConstraint.NONE);
        t.draw(g, new Rectangle2D.Double(0, 4, width, TITLE_HEIGHT - 4));
        top = TITLE_HEIGHT;
      }
      for (int i = 0; i < charts.size(); i++)
        charts.get(i).draw(g, new Rectangle2D.Double(i * panelWidth, top, panelWidth, height - top));
      if (legend != null) {
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        legend.arrange(g, org.jfree.chart.block.RectangleConstraint.NONE);
        legend.draw(g, new Rectangle2D.Double(charts.size() * panelWidth, top + 20, legendWidth, height - top - 40));
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /**
   * {@code font}, or a smaller size of it (down to 9 points) under which {@code text} fits in
   * {@code width} pixels: a figure's title is one line, and centred wider than the image it
   * lost its first and last words (a single-panel k-classes figure was cut at both edges).
   */
  static Font fitted(Graphics2D g, String text, Font font, int width) {
    Font f = font;
    while (f.getSize2D() > 9 && g.getFontMetrics(f).stringWidth(text) > width) f = f.deriveFont(f.getSize2D() - 1);
    return f;
  }

  /** Whether any pixel in the rectangle differs from white (for tests that something was drawn there). */
  public static boolean inked(BufferedImage img, int x0, int y0, int w, int h) {
    for (int y = y0; y < y0 + h; y++)
      for (int x = x0; x < x0 + w; x++)
        if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) return true;
    return false;
  }

  /** Writes {@code img} to {@code png} atomically. */
  public static void write(Path png, BufferedImage img) {
    AtomicFiles.write(png, out -> {
      if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
    });
  }
}
