package arcus.experiments.report;

import arcus.nn.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What the headless charts share: a white antialiased canvas, and writing it as a PNG atomically. */
public final class Png {
  private Png() {}

  static {
    // Must be set before the first AWT class loads; harmless when already headless.
    System.setProperty("java.awt.headless", "true");
  }

  /** A width × height RGB image, white. */
  public static BufferedImage blank(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Graphics on {@code img} with antialiased shapes and text; the caller disposes of it. */
  public static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    return g;
  }

  /** Writes {@code img} to {@code png} atomically. */
  public static void write(Path png, BufferedImage img) {
    AtomicFiles.write(png, out -> {
      if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
    });
  }
}
