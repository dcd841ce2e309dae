package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class HelpTest {
  @Test
  void trainHelpListsEveryLossWithItsParametersAndDefaults() {
    String help = Main.commandLine().getSubcommands().get("train").getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertTrue(help.contains("arcface      s=64, m=0.5, easy_margin=false"), help);
    assertTrue(help.contains("cosface      s=30, m=0.35"), help);
    assertTrue(help.contains("emsoftmax    K=2, m=0.3, hsic_lambda=0, combine=mean"), help);
    assertTrue(help.contains("softmax      bias (optional)"), help);
    for (String loss : arcus.losses.Losses.names()) assertTrue(help.contains("\n  " + loss + " "), loss);
    assertTrue(help.contains("--overwrite"), help);
  }

  /** A command's one-line summary in its parent's list is its description's first line: it must be a whole sentence. */
  @Test
  void everyCommandListLineIsAWholeSentence() {
    Deque<CommandLine> todo = new ArrayDeque<>();
    todo.add(Main.commandLine());
    while (!todo.isEmpty()) {
      CommandLine c = todo.pop();
      for (CommandLine sub : c.getSubcommands().values()) {
        String[] d = sub.getCommandSpec().usageMessage().description();
        String first = d.length == 0 ? "" : d[0].strip();
        assertTrue(first.endsWith(".") || first.endsWith(".)"), sub.getCommandSpec().qualifiedName() + ": '" + first + "'");
        todo.add(sub);
      }
    }
  }
}
