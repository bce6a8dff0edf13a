/**
 * Measurements of trained models beyond loss and accuracy: {@link dev.lamina.runtime.analysis.VarianceShift}
 * compares what each BatchNorm layer sees at inference with the running statistics it normalises with.
 */
package dev.lamina.runtime.analysis;
