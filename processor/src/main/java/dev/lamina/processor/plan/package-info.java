/**
 * The execution plan that the rewrite stage hands to the generator: per pass (training with its
 * backward, and inference) the ordered layers, the fused groups and, on each node, the typed facts of
 * the rewrites that changed it. {@link dev.lamina.processor.plan.ExecutionPlan} is built by
 * {@code Rewrites.plan} and only read by {@code codegen}.
 */
package dev.lamina.processor.plan;
