package arcus.experiments;

import picocli.CommandLine.Option;

/** {@code --overwrite}, shared by every command that writes an output folder (a picocli mixin). */
public final class OverwriteOption {
  @Option(names = "--overwrite", description = "replace the earlier run in --out (its files are deleted first); without it a folder holding a run is refused")
  public boolean overwrite;
}
