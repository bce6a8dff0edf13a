/**
 * The Lamina annotation processor, {@link dev.lamina.processor.LaminaProcessor}, which turns each
 * {@code @Sequential} interface into a generated model class.
 *
 * <p>Use it from the processor path ({@code annotationProcessorPaths} in Maven's compiler plugin,
 * {@code annotationProcessor} in Gradle): the jar bundles its own dependencies, relocated under
 * {@code dev.lamina.processor.shaded}, and needs only {@code lamina-dsl} beside it. Its subpackages
 * are its implementation and not an API.
 */
package dev.lamina.processor;
