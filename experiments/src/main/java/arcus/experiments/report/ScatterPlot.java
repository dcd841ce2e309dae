package arcus.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A scatter plot of 2-D points coloured by class ([AngularNet]'s 2-D feature visualisation), drawn by
 * JFreeChart: one square panel per loss side by side, one legend of the classes, and optionally
 * each class's weight direction drawn as a line from the origin in the class colour. The axes are
 * symmetric around the origin and equal, so angles look like angles.
 */
public final class ScatterPlot {
  private ScatterPlot() {}

  static final int LEGEND_WIDTH = 120;

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
    Charts.write(png, render(title, panels, panelSize));
  }

  public static BufferedImage render(String title, List<Panel> panels, int panelSize) {
    if (panels.isEmpty() || panelSize < 200)
      throw new IllegalArgumentException("scatter plot '" + title + "': need a panel and at least 200 pixels, got " + panels.size() + ", " + panelSize);
    List<JFreeChart> charts = new ArrayList<>();
    for (Panel p : panels) charts.add(chart(p));
    LegendTitle legend = new LegendTitle(charts.get(0).getXYPlot());
    legend.setItemFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
    legend.setPosition(org.jfree.chart.ui.RectangleEdge.RIGHT);
    int titleH = title == null || title.isEmpty() ? 0 : 30;
    return Charts.compose(title, charts, panelSize, panelSize + titleH, legend, LEGEND_WIDTH);
  }

  static JFreeChart chart(Panel p) {
    int classes = p.classNames().size();
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries[] byClass = new XYSeries[classes];
    for (int c = 0; c < classes; c++) {
      byClass[c] = new XYSeries(new LinePlot.SeriesKey(c, p.classNames().get(c)), false, true);
      data.addSeries(byClass[c]);
    }
    double r = 0;
    for (int i = 0; i < p.x().length; i++) {
      if (!Double.isFinite(p.x()[i]) || !Double.isFinite(p.y()[i])) continue;
      byClass[p.labels()[i]].add(p.x()[i], p.y()[i]);
      r = Math.max(r, Math.max(Math.abs(p.x()[i]), Math.abs(p.y()[i])));
    }
    if (!(r > 0)) r = 1;
    double lim = r * 1.05;
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    for (int c = 0; c < classes; c++) {
      Color col = Charts.color(c);
      renderer.setSeriesPaint(c, new Color(col.getRed(), col.getGreen(), col.getBlue(), 150));
      renderer.setSeriesShape(c, new Ellipse2D.Double(-2, -2, 4, 4));
      renderer.setLegendShape(c, new Ellipse2D.Double(-5, -5, 10, 10));
    }
    NumberAxis xAxis = new NumberAxis("feature 1"), yAxis = new NumberAxis("feature 2");
    xAxis.setRange(-lim, lim);
    yAxis.setRange(-lim, lim);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    BasicStroke axisStroke = new BasicStroke(1f);
    plot.addDomainMarker(new ValueMarker(0, new Color(0xaaaaaa), axisStroke));
    plot.addRangeMarker(new ValueMarker(0, new Color(0xaaaaaa), axisStroke));
    if (p.directions() != null) {
      for (int c = 0; c < classes; c++) {
        double dx = p.directions()[c][0], dy = p.directions()[c][1], n = Math.hypot(dx, dy);
        if (!(n > 0)) continue;
        double ex = dx / n * lim, ey = dy / n * lim;
        // a dark outline under the class colour, so light colours stay visible over the points
        plot.addAnnotation(new XYLineAnnotation(0, 0, ex, ey, new BasicStroke(4f), Color.BLACK));
        plot.addAnnotation(new XYLineAnnotation(0, 0, ex, ey, new BasicStroke(2.5f), Charts.color(c)));
      }
    }
    JFreeChart chart = new JFreeChart(p.title(), Charts.PANEL_TITLE, plot, false);
    return Charts.styled(chart);
  }
}
