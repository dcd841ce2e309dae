package arcus.experiments;

import picocli.CommandLine.Command;

@Command(name = "demo", description = "placeholder")
final class DemoCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("demo");
  }
}
