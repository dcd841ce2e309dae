package arcus.experiments.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the number of tries of a fuzz property from {@code -Darcus.fuzz.tries=N} (docs/robustness.md:
 * the full run uses 10000); without it the property's own, small, CI count applies.
 */
public final class FuzzTries implements AroundPropertyHook {
  public static final String PROPERTY = "arcus.fuzz.tries";

  /** Registered on a class, the hook reaches its properties only when it propagates. */
  @Override
  public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
    return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    String n = System.getProperty(PROPERTY);
    if (n != null && !n.isBlank()) context.attributes().setTries(Integer.parseInt(n.trim()));
    return property.execute();
  }
}
