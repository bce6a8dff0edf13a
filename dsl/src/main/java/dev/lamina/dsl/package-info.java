/**
 * The annotations a user writes to declare a network.
 *
 * <p>A model is a top-level interface annotated {@link dev.lamina.dsl.Sequential}. Its abstract,
 * no-argument methods, in source order, are its layers; each returns {@link dev.lamina.dsl.Layer}
 * and carries exactly one layer annotation from this package. The method name is the layer's name.
 *
 * <p>Layers can also be grouped into {@link dev.lamina.dsl.Block} interfaces, which a model uses
 * through methods annotated {@link dev.lamina.dsl.Residual}, {@link dev.lamina.dsl.Concat} or
 * {@link dev.lamina.dsl.Repeat}; their layers are named under the use ({@code stage1[2].res.conv1}).
 *
 * <p>Tensors are NCHW (batch, channels, height, width) for images, NF (batch, features) for
 * vectors, NTD (batch, tokens, features) for token sequences and NCL (batch, channels, length) for
 * signals; token ids are NT. The batch dimension is implicit in every declaration: {@code input = {1, 28, 28}} means
 * a batch of one-channel 28x28 images, shape {@code [N, 1, 28, 28]}.
 *
 * <p>Defaults follow PyTorch unless a member's documentation says otherwise.
 */
package dev.lamina.dsl;
