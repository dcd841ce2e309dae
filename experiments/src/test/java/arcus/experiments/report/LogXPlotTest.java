package arcus.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.axis.LogAxis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LinePlot#writeLogX}: an ROC-style plot whose x axis spans decades. */
class LogXPlotTest {
  @TempDir Path tmp;

  @Test
  void theXAxisIsLogarithmicAndThePngIsDrawn() throws Exception {
    var panel = new LinePlot.Panel("", "false accept rate", "true accept rate",
        List.of(new LinePlot.Series("a", new double[] {1e-3, 1e-2, 1e-1, 1}, new double[] {0.1, 0.3, 0.7, 1})));
    var axis = LinePlot.logXChart(panel).getXYPlot().getDomainAxis();
    assertTrue(axis instanceof LogAxis, axis.getClass().getName());
    assertEquals(10, ((LogAxis) axis).getBase());
    assertEquals("false accept rate", axis.getLabel());
    Path f = tmp.resolve("roc.png");
    LinePlot.writeLogX(f, "ROC", panel, 400, 300);
    var img = ImageIO.read(f.toFile());
    assertEquals(400, img.getWidth());
    assertTrue(Charts.inked(img, 100, 100, 200, 100), "the curve area has ink");
  }
}
