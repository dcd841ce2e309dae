/**
 * Layers, models, optimizers and the training step, written functionally (Flax/Equinox/Optax
 * style) on top of {@code arcus.core}.
 *
 * <p>A {@link arcus.nn.Layer} is an immutable record of hyper-parameters. Its trainable
 * parameters come from {@code init(rng, dtype)} and its non-trainable state (batch-norm running
 * statistics) from {@code initState(dtype)}; both are {@link arcus.core.Params} trees, so state
 * needs no type of its own and checkpoints store both the same way. {@code apply(params, state,
 * x, mode, rng)} returns the output and the new state ({@link arcus.nn.Output}); nothing is
 * hidden in the layer. Containers ({@link arcus.nn.Sequential}, {@link arcus.nn.Residual}) put
 * child parameters under the child's name plus a dot ("3.weight", "stage2_0.down.conv.weight").
 *
 * <p>Layouts: {@link arcus.nn.Linear} and {@link arcus.nn.AngularLinear} weights are [in, out]
 * (the transpose of PyTorch's), convolution weights [out, in, kh, kw], images NCHW.
 *
 * <p>{@link arcus.nn.TrainStep} differentiates the model and a loss {@link arcus.nn.Head} together
 * over one tree ("model." + "head."), so the losses module plugs in without nn depending on it.
 */
package arcus.nn;
