package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.report.Charts;
import arcus.experiments.report.ScatterPlot;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterPlotTest {
  @Test
  void writesAValidPng(@TempDir Path dir) throws Exception {
    int n = 300;
    double[] x = new double[n], y = new double[n];
    int[] c = new int[n];
    for (int i = 0; i < n; i++) {
      c[i] = i % 10;
      double a = 2 * Math.PI * c[i] / 10;
      x[i] = Math.cos(a) * (1 + i % 7);
      y[i] = Math.sin(a) * (1 + i % 7);
    }
    List<String> names = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "class " + i).toList();
    double[][] dirs = new double[10][];
    for (int j = 0; j < 10; j++) dirs[j] = new double[] {Math.cos(2 * Math.PI * j / 10), Math.sin(2 * Math.PI * j / 10)};
    Path png = dir.resolve("s.png");
    ScatterPlot.write(png, "test", List.of(new ScatterPlot.Panel("a", x, y, c, names, dirs),
        new ScatterPlot.Panel("b", x, y, c, names, null)), 300);
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, head);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img);
    assertEquals(2 * 300 + 120, img.getWidth());
    // something besides white was drawn
    boolean coloured = false;
    for (int px = 0; px < img.getWidth() && !coloured; px += 3)
      for (int py = 0; py < img.getHeight() && !coloured; py += 3) {
        int rgb = img.getRGB(px, py) & 0xffffff;
        coloured = rgb != 0xffffff && ((rgb >> 16) & 255) != (rgb & 255);
      }
    assertEquals(true, coloured);
    assertTrue(Charts.inked(img, 0, 0, img.getWidth(), 28), "the title");
    assertTrue(Charts.inked(img, 2 * 300, 30, 120, img.getHeight() - 30), "the class legend right of the panels");
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count()); // atomic write leaves no temporary file
    }
  }

  @Test
  void rejectsMismatchedInput() {
    assertThrows(IllegalArgumentException.class,
        () -> new ScatterPlot.Panel("p", new double[2], new double[1], new int[2], List.of("a"), null));
    assertThrows(IllegalArgumentException.class,
        () -> new ScatterPlot.Panel("p", new double[1], new double[1], new int[] {3}, List.of("a"), null));
  }

  @Test
  void barChartWritesAPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("b.png");
    BarChart.write(png, "t", List.of(new BarChart.Panel("p", "class", "deg", List.of("0", "1", "mean"), List.of("a", "b"),
        new double[][] {{10, 20, 15}, {5, Double.NaN, 5}})), 400, 300);
    assertNotNull(ImageIO.read(png.toFile()));
  }
}
