/**
 * Rewrites of a shape-inferred, lint-clean model IR into the model the generated code runs, and the
 * plan of what runs ({@link dev.lamina.processor.rewrite.Rewrites#plan}):
 * {@link dev.lamina.processor.rewrite.BiasBeforeBatchNorm},
 * {@link dev.lamina.processor.rewrite.BatchNormFold} (inference only) and
 * {@link dev.lamina.processor.rewrite.MaxPoolBeforeMonotoneActivation}, applied in that order by
 * {@link dev.lamina.processor.rewrite.Rewrites#apply}. Each leaves a typed
 * {@link dev.lamina.processor.ir.RewriteFact} on the nodes it changed, which the generator reads to
 * decide what to write and renders as one comment.
 * {@link dev.lamina.processor.rewrite.Rewrites#forInference} derives from that model the pass that
 * plain inference runs: without Dropouts ({@link dev.lamina.processor.rewrite.DropoutAtInference})
 * and folded BatchNorms, with max pools moved again where a removed Dropout stood in the way. The
 * fusion rule {@code BatchNormActivationFusion} groups the layers whose backward runs as one
 * kernel call.
 *
 * <p>Rewrites change what runs, not what the user declared: the generated {@code Layer} constants
 * (output shape, parameter count) and {@code layers()} describe the declared model; only
 * {@code parameters()} lists what is executed, without elided biases.
 */
package dev.lamina.processor.rewrite;
