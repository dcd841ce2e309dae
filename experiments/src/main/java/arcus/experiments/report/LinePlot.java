package arcus.experiments.report;

import java.awt.BasicStroke;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts as PNG (JFreeChart, headless): one or more panels side by side (e.g. loss left,
 * accuracy right), each with several named series, axis labels, ticks and a legend. Series with
 * few points also mark each point, so a one-point series is a visible dot.
 */
public final class LinePlot {
  /** Series with at most this many points get a marker on every point. */
  static final int MARKERS_UP_TO = 60;

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

  /** Renders and writes the panels side by side as a PNG, atomically. */
  public static void write(Path png, String title, List<Panel> panels, int width, int height) {
    Charts.write(png, render(title, panels, width, height));
  }

  public static BufferedImage render(String title, List<Panel> panels, int width, int height) {
    if (panels.isEmpty() || width < 100 || height < 100) {
      throw new IllegalArgumentException("plot '" + title + "': need at least one panel and 100x100"
          + " pixels, got " + panels.size() + " panels, " + width + "x" + height);
    }
    List<JFreeChart> charts = new ArrayList<>();
    for (Panel p : panels) charts.add(chart(p));
    return Charts.compose(title, charts, width / panels.size(), height, null, 0);
  }

  /**
   * One panel, its x axis logarithmic (e.g. an ROC's false accept rate from 1e-4 to 1); x values
   * must be positive.
   */
  public static void writeLogX(Path png, String title, Panel panel, int width, int height) {
    writeLogX(png, title, List.of(panel), width, height);
  }

  /** Panels side by side, each with a logarithmic x axis (e.g. a feature dimension from 2 to 256). */
  public static void writeLogX(Path png, String title, List<Panel> panels, int width, int height) {
    List<JFreeChart> charts = new ArrayList<>();
    for (Panel p : panels) charts.add(logXChart(p));
    Charts.write(png, Charts.compose(title, charts, width / panels.size(), height, null, 0));
  }

  /** {@link #chart} with a base-10 logarithmic x axis, ticked at whole powers of 10. */
  static JFreeChart logXChart(Panel p) {
    JFreeChart c = chart(p);
    NumberAxis linear = (NumberAxis) c.getXYPlot().getDomainAxis();
    org.jfree.chart.axis.LogAxis x = new org.jfree.chart.axis.LogAxis(p.xLabel());
    x.setBase(10);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setTickLabelFont(linear.getTickLabelFont());
    x.setLabelFont(linear.getLabelFont());
    c.getXYPlot().setDomainAxis(x);
    return c;
  }

  /** One panel as a JFreeChart line chart (for figures that mix it with other kinds of panel). */
  public static JFreeChart chart(Panel p) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    boolean integerX = true;
    for (int i = 0; i < p.series().size(); i++) {
      Series s = p.series().get(i);
      // Series keys must be unique in a collection; the legend shows the name.
      XYSeries xs = new XYSeries(new SeriesKey(i, s.name()), false, true);
      int points = 0;
      for (int k = 0; k < s.x().length; k++) {
        if (!Double.isFinite(s.x()[k])) continue;
        double y = s.y()[k];
        xs.add(s.x()[k], Double.isFinite(y) ? y : Double.NaN);
        if (Double.isFinite(y)) points++;
        integerX &= s.x()[k] == Math.rint(s.x()[k]);
      }
      data.addSeries(xs);
      r.setSeriesPaint(i, Charts.color(i));
      r.setSeriesStroke(i, new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      r.setSeriesShapesVisible(i, points <= MARKERS_UP_TO);
      r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-3.5, -3.5, 7, 7));
    }
    NumberAxis xAxis = new NumberAxis(p.xLabel());
    xAxis.setAutoRangeIncludesZero(false);
    if (integerX) xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis yAxis = new NumberAxis(p.yLabel());
    yAxis.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
    JFreeChart chart = new JFreeChart(p.title().isEmpty() ? null : p.title(), Charts.PANEL_TITLE, plot, !p.series().isEmpty());
    return Charts.styled(chart);
  }

  /** A series' legend entry: unique by index, shown by name. */
  record SeriesKey(int index, String name) implements Comparable<SeriesKey> {
    @Override
    public int compareTo(SeriesKey o) {
      return Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
