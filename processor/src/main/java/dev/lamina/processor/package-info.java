/**
 * The Lamina annotation processor, {@link dev.lamina.processor.LaminaProcessor}, which turns each
 * {@code @Sequential} interface into a generated model class.
 *
 * <p>Use it from the processor path ({@code annotationProcessorPaths} in Maven's compiler plugin,
 * {@code annotationProcessor} in Gradle): the jar bundles its own dependencies, relocated under
 * {@code dev.lamina.processor.shaded}, and needs only {@code lamina-dsl} beside it. Its subpackages
 * are its implementation and not an API.
 *
 * <h2>Stages</h2>
 * Each stage reads only what the one before it produced, and a model whose report has an error
 * stops there:
 * <ol>
 *   <li>{@code read}: the interface to a {@code ModelIR} of {@code LayerNode}s, each with a
 *       {@code LayerSpec} record;
 *   <li>{@code shape}: every layer's input and output shape, by the spec's own shape rule;
 *   <li>{@code lint}: one rule class per layer-order check, walking the model's {@code Dataflow}
 *       (what reaches what);
 *   <li>{@code rewrite}: the exact IR rewrites, each a function of one straight sequence of layers
 *       ({@code ModelIR.mapSequences} hands it every sequence, so that none reaches across a block's
 *       addition or concatenation), each leaving typed {@code RewriteFact}s on the nodes it changed;
 *       and the fusion rules. Together they make one {@code plan.ExecutionPlan} (the training pass
 *       with its fused groups, and the inference pass);
 *   <li>{@code codegen}: writes the plan with JavaPoet and decides nothing; comments about rewrites
 *       are rendered from the facts ({@code RewriteFact.comment()}).
 * </ol>
 *
 * <h2>Adding a layer kind</h2>
 * The files a new layer kind touches:
 * <ol>
 *   <li>{@code dsl}: its annotation;
 *   <li>{@code diag/Messages.LAYER_ANNOTATIONS} and one {@code case} in {@code read/LayerReader}
 *       that reads its values into its spec;
 *   <li>{@code ir/LayerSpec}: one record with its kind, noun, shape rule, parameter count and
 *       {@code accept}, plus a method in {@code LayerSpec.Visitor}: javac then rejects every stage
 *       that does not handle the kind ({@code codegen/LayerEmitters} today). The shape rule says
 *       which layouts ({@code Shape.Layout}: vector, image, token sequence, signal, token ids) the
 *       kind takes, through {@code ShapeProblems.wrongLayout} for the others;
 *   <li>{@code codegen}: its emitter ({@code <Kind>Emitter}: tensors, hyperparameter constants,
 *       forward and backward code), its case in {@code LayerEmitters}, and its kernel's name in
 *       {@code RuntimeTypes}; a new kind of hyperparameter or kept tensor also adds a constant to
 *       {@code Hyperparameter} or {@code Role};
 *   <li>{@code runtime/kernel}: its forward/backward pair, with a finite-difference test;
 *   <li>a sample in {@code EveryLayerKindTest}, which fails for a DSL annotation without one and
 *       runs every kind through every stage, and shape tests in {@code ShapeInferenceTest}.
 * </ol>
 * javac checks the {@code LayerSpec} record and the stages that visit it; the reader's case and
 * {@code LAYER_ANNOTATIONS} are checked by {@code EveryLayerKindTest}, which fails for a DSL
 * annotation that a stage does not handle.
 * Lint rules and rewrites match on the spec types they care about and need no change; a rule that
 * should see the new kind says so in its own predicate ({@code lint/Layers}).
 */
package dev.lamina.processor;
