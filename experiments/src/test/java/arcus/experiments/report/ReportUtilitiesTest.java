package arcus.experiments.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportUtilitiesTest {
  @TempDir Path dir;

  @Test
  void csvQuotesOnlyWhenNeeded() throws IOException {
    Path f = dir.resolve("metrics.csv");
    Csv.write(f, List.of("epoch", "loss", "note"), List.of(
        List.of(1, 0.5, "plain"),
        Arrays.asList(2, Double.NaN, "a,b \"c\""),
        Arrays.asList(3, Double.NEGATIVE_INFINITY, null),
        List.of(4, 2.0, "multi\nline")));
    assertEquals("epoch,loss,note\n1,0.5,plain\n2,NaN,\"a,b \"\"c\"\"\"\n3,-inf,\n"
        + "4,2,\"multi\nline\"\n", Files.readString(f));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Csv.write(f, List.of("a", "b"), List.of(List.of(1))));
    assertTrue(e.getMessage().contains("metrics.csv") && e.getMessage().contains("row 0"));
  }

  @Test
  void linePlotWritesPngOfRequestedSize() throws IOException {
    int n = 50;
    double[] x = new double[n];
    double[] loss = new double[n];
    double[] lossB = new double[n];
    double[] acc = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
      loss[i] = 2.3 * Math.exp(-i / 10.0) + 0.05;
      lossB[i] = i == 20 ? Double.NaN : 2.3 * Math.exp(-i / 15.0) + 0.1;
      acc[i] = 1 - 0.9 * Math.exp(-i / 8.0);
    }
    Path f = dir.resolve("curves.png");
    LinePlot.write(f, "MNIST, first 10 classes", List.of(
        new LinePlot.Panel("loss", "epoch", "train loss", List.of(
            new LinePlot.Series("softmax", x, loss), new LinePlot.Series("arcface", x, lossB))),
        new LinePlot.Panel("accuracy", "epoch", "test accuracy", List.of(
            new LinePlot.Series("softmax", x, acc)))), 900, 400);
    byte[] head = Arrays.copyOf(Files.readAllBytes(f), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, head);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(900, img.getWidth());
    assertEquals(400, img.getHeight());
    if (System.getenv("ARCUS_PLOT_DEMO") != null) {
      Files.copy(f, Path.of(System.getenv("ARCUS_PLOT_DEMO")),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void linePlotSurvivesEmptyAndFlatSeries() {
    BufferedImage img = LinePlot.render("", List.of(new LinePlot.Panel("", "x", "y", List.of(
        new LinePlot.Series("flat", new double[] {1, 2}, new double[] {3, 3}),
        new LinePlot.Series("empty", new double[0], new double[0])))), 200, 150);
    assertEquals(200, img.getWidth());
  }

  @Test
  void theFigureTitleIsDrawnAboveThePanels() {
    var panel = new LinePlot.Panel("", "step", "loss", List.of(new LinePlot.Series("a", new double[] {1, 2}, new double[] {3, 1})));
    BufferedImage titled = LinePlot.render("a title", List.of(panel), 400, 300), plain = LinePlot.render("", List.of(panel), 400, 300);
    // with a title the panels move down by the title's band (30 px): ink above them is the title
    assertTrue(firstInkedRow(titled) < 30 + firstInkedRow(plain) - 10, firstInkedRow(titled) + " vs " + firstInkedRow(plain));
  }

  @Test
  void aTitleWiderThanTheFigureIsShrunkToFitNotCutAtTheEdges() {
    var panel = new LinePlot.Panel("", "k", "accuracy", List.of(new LinePlot.Series("a", new double[] {5, 10}, new double[] {0.99, 0.98})));
    String title = "[W-Softmax] Table 4: test accuracy vs number of classes k (fashion, lenet-linear, mean of 3 seeds)";
    BufferedImage img = LinePlot.render(title, List.of(panel), 500, 300);
    assertTrue(Charts.inked(img, 0, 0, img.getWidth(), 28), "the title is drawn");
    // centred and cut, its first and last letters would touch both edges of the title band
    assertFalse(Charts.inked(img, 0, 0, 6, 28) && Charts.inked(img, img.getWidth() - 6, 0, 6, 28), "the title runs off both edges");
  }

  private static int firstInkedRow(BufferedImage img) {
    for (int y = 0; y < img.getHeight(); y++) if (Charts.inked(img, 0, y, img.getWidth(), 1)) return y;
    return img.getHeight();
  }

  @Test
  void shortSeriesGetAMarkerOnEveryPointSoOnePointIsVisible() {
    double[] many = new double[500];
    for (int i = 0; i < many.length; i++) many[i] = i;
    var chart = LinePlot.chart(new LinePlot.Panel("accuracy", "epoch", "accuracy", List.of(
        new LinePlot.Series("one epoch", new double[] {1}, new double[] {0.9}),
        new LinePlot.Series("per step", many, many))));
    var r = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
    assertTrue(r.getSeriesShapesVisible(0));
    assertEquals(Boolean.FALSE, r.getSeriesShapesVisible(1));
    assertEquals("epoch", chart.getXYPlot().getDomainAxis().getLabel());
    assertEquals("accuracy", chart.getXYPlot().getRangeAxis().getLabel());
    assertEquals("one epoch", chart.getXYPlot().getLegendItems().get(0).getLabel());
  }

  @Test
  void progressBarEstimatesOnlyAfterTheWarmUpStepAndAddsTheWorkAfterIt() {
    AtomicLong clock = new AtomicLong();
    ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        "epoch 1/1", 100, false, 10, clock::get).after(secondsPerStep -> 30 * secondsPerStep);
    clock.addAndGet(60_000_000_000L); // the first step takes a minute (JIT, allocation)
    bar.update(1, 2.3, 64);
    assertTrue(bar.render(1, 2.3, clock.get()).endsWith("ETA estimating"), bar.render(1, 2.3, clock.get()));
    clock.addAndGet(1_000_000_000L);
    bar.update(2, 2.2, 64);
    assertTrue(bar.render(2, 2.2, clock.get()).endsWith("ETA estimating"));
    clock.addAndGet(1_000_000_000L);
    bar.update(3, 2.1, 64);
    // 1 s per step from step 1 on: 97 steps left + 30 steps' worth after the bar = 127 s,
    // not the 61 s per step an average including the first step would give.
    String line = bar.render(3, 2.1, clock.get());
    assertTrue(line.endsWith("ETA 02:07") && line.contains(" 64 img/s"), line);
    // a later epoch starts from the earlier epoch's rate instead of "estimating"
    ProgressBar next = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), "epoch 2/2", 100, false, 10, clock::get).expecting(2.0);
    clock.addAndGet(5_000_000_000L);
    next.update(1, 1.0, 64);
    assertTrue(next.render(1, 1.0, clock.get()).endsWith("ETA 03:18"), next.render(1, 1.0, clock.get()));
    String eval = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), "evaluating", 10, false, 10, clock::get).render(0, Double.NaN, clock.get());
    assertTrue(!eval.contains("loss"), eval);
  }

  @Test
  void progressBarPlainLinesWhenNotATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "epoch 1", 100, false, 25, clock::get);
    for (int step = 1; step <= 100; step++) {
      clock.addAndGet(10_000_000L); // 10 ms per step of 64 images: 6400 img/s
      bar.update(step, 1.0 / step, 64);
    }
    bar.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(!out.contains("\r"), out);
    String[] lines = out.split("\n");
    // The first update (so a log shows the run started), then at 25, 50, 75 and 100 %.
    assertEquals(5, lines.length, out);
    assertTrue(lines[0].contains(" 1/100"), lines[0]);
    assertTrue(lines[1].contains("25/100") && lines[1].contains("6.4k img/s")
        && lines[1].contains("ETA 00:01"), lines[1]);
    assertTrue(lines[4].contains("100/100") && lines[4].contains("loss 0.0100"), lines[4]);
  }

  @Test
  void progressBarRedrawsInPlaceOnATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "train", 3, true, 10, clock::get);
    for (int step = 1; step <= 3; step++) {
      clock.addAndGet(1_000_000_000L);
      bar.update(step, 0.5, 10);
    }
    bar.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(3, out.chars().filter(c -> c == '\r').count(), out);
    assertTrue(out.endsWith("\n") && out.contains("3/3"), out);
    assertEquals("1:01:01", ProgressBar.duration(3661));
    assertEquals("--:--", ProgressBar.duration(Double.NaN));
  }

  @Test
  void peakRssParsesProcStatus() {
    assertEquals(123456L * 1024,
        PeakRss.parse("Name:\tjava\nVmPeak:\t  999 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n"));
    assertEquals(-1, PeakRss.parse("Name:\tjava\n"));
    long now = PeakRss.bytes();
    assertTrue(now == -1 || now > 1024 * 1024, "peak RSS " + now);
  }
}
