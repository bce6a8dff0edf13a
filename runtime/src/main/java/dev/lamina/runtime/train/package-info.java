/**
 * Training and evaluation of generated models.
 *
 * <p>{@link dev.lamina.runtime.train.Trainer} runs epochs of mini-batches, each as one
 * {@link dev.lamina.runtime.train.TrainingStep} (forward, loss, backward in a reused ND4J
 * workspace, then the optimizer), evaluates the test set after each epoch with
 * {@link dev.lamina.runtime.train.Evaluator}, and reports to
 * {@link dev.lamina.runtime.train.TrainingListener}s (progress, {@link
 * dev.lamina.runtime.train.EarlyStopping}, {@link dev.lamina.runtime.train.EpochCheckpoints}).
 * {@link dev.lamina.runtime.train.StepWorkspace} gives loops of one's own the same reused memory.
 * A step's arrays live only until the step ends; parameters, gradients, optimizer state and
 * BatchNorm statistics live outside any workspace.
 */
package dev.lamina.runtime.train;
