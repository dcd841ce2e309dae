package arcus.experiments.experiment;

import arcus.experiments.report.Charts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** A grouped bar chart ([W-Softmax], Fig. 5) drawn by JFreeChart: one group per class, one bar per series. */
final class BarChart {
  private BarChart() {}

  /** values[s][g]: series s, group g (NaN = no bar); xLabel names the groups, yLabel the values. */
  record Panel(String title, String xLabel, String yLabel, List<String> groups, List<String> series, double[][] values) {}

  static void write(Path png, String title, List<Panel> panels, int panelWidth, int height) {
    double max = 0;
    for (Panel p : panels) for (double[] s : p.values()) for (double v : s) if (Double.isFinite(v)) max = Math.max(max, v);
    if (!(max > 0)) max = 1;
    List<JFreeChart> charts = new ArrayList<>();
    for (Panel p : panels) charts.add(chart(p, max * 1.08));
    Charts.write(png, Charts.compose(title, charts, panelWidth, height, null, 0));
  }

  /** One panel; every panel shares the value range [0, top] so they compare at a glance. */
  static JFreeChart chart(Panel p, double top) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int s = 0; s < p.series().size(); s++)
      for (int g = 0; g < p.groups().size(); g++) {
        double v = p.values()[s][g];
        data.addValue(Double.isFinite(v) ? (Number) v : null, p.series().get(s), p.groups().get(g));
      }
    BarRenderer r = new BarRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setItemMargin(0.02);
    for (int s = 0; s < p.series().size(); s++) r.setSeriesPaint(s, Charts.color(s));
    NumberAxis y = new NumberAxis(p.yLabel());
    y.setRange(0, top);
    CategoryAxis x = new CategoryAxis(p.xLabel());
    x.setCategoryMargin(0.2);
    CategoryPlot plot = new CategoryPlot(data, x, y, r);
    return Charts.styled(new JFreeChart(p.title(), Charts.PANEL_TITLE, plot, true));
  }
}
