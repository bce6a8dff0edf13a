/**
 * Lamina on Apache Spark: data-parallel training of generated models ({@link dev.lamina.spark.SparkTrainer})
 * and batch inference over a Spark {@code Dataset<Row>} ({@link dev.lamina.spark.SparkScorer}).
 *
 * <p>Built against Spark 4.2 for Scala 2.13; Spark is a {@code provided} dependency, so an application
 * runs on the cluster's Spark. Models and optimizers travel to the executors as serialisable factories
 * ({@link dev.lamina.spark.ModelFactory}, {@link dev.lamina.spark.OptimizerFactory}) plus their state in
 * Lamina's checkpoint format ({@link dev.lamina.runtime.checkpoint.CheckpointFile#toBytes}).
 */
package dev.lamina.spark;
