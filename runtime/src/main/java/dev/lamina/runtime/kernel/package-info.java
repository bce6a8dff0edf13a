/**
 * Forward/backward kernels that generated models call, one class per layer kind, llm.c style.
 *
 * <p>Dimension key: N batch, C input channels, F output channels (filters), H x W input height and
 * width, K square kernel size, OH x OW output height and width, I and O dense input and output
 * features. Images are NCHW. Token sequences are {@code [N, T, D]}: T tokens (positions) of width D;
 * V is a vocabulary size, H (in attention) the number of heads and d = D / H a head's width, P a patch
 * side. Every shape is given in the method's Javadoc.
 *
 * <p>Conventions shared by all kernels:
 * <ul>
 *   <li>{@code forward} returns a new array; {@code backward} returns dL/d(input) as a new array and
 *       accumulates parameter gradients ({@code dw, db, dGamma, dBeta}) with {@code +=}. Gradients
 *       carry a {@code d} prefix; clearing them is the caller's job (see {@code Model.zeroGrad}).
 *   <li>FLOAT and DOUBLE are supported; results take the input's type, and every other array
 *       must share it, or {@link java.lang.IllegalArgumentException} is thrown. Shape mismatches
 *       throw the same exception with both shapes in the message.
 *   <li>Inputs are never written, except the documented accumulators, BatchNorm's running
 *       statistics and the arrays {@link dev.lamina.runtime.kernel.BatchNormFold} folds into. Any strides are accepted; arrays that are not dense C order are copied first.
 *   <li>Results are allocated with {@code Nd4j.createUninitialized}, so inside an open ND4J
 *       workspace they come from the workspace. Running each training step in one reused workspace
 *       avoids fresh memory, whose page faults cost more than most kernels here (see
 *       {@code KernelBenchmark} in the tests); {@link dev.lamina.runtime.kernel.BatchNorm.Cache}
 *       and dropout masks then live in that workspace too, so backward must run in the same scope.
 *       {@link dev.lamina.runtime.kernel.Init} and {@code BatchNormFold.allocate} allocate outside any
 *       workspace.
 *   <li>Large temporaries (im2col matrices) live in per-thread scratch buffers that are reused
 *       across calls. Java loops split across as many threads as ND4J uses.
 * </ul>
 */
package dev.lamina.runtime.kernel;
