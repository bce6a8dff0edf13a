package dev.lamina.bench;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** A DL4J network as the benchmark drives it, a {@code MultiLayerNetwork} or a {@code ComputationGraph}. */
interface Dl4jNet {
    /** One training step (forward, loss, backward, Adam) on the batch. */
    void fit(DataSet batch);

    /** One inference forward pass. */
    void infer(INDArray features);

    /** The layers, for {@link Dl4jOneDnn}. */
    Layer[] layers();

    static Dl4jNet of(MultiLayerNetwork net) {
        return new Dl4jNet() {
            @Override
            public void fit(DataSet batch) {
                net.fit(batch);
            }

            @Override
            public void infer(INDArray features) {
                net.output(features, false);
            }

            @Override
            public Layer[] layers() {
                return net.getLayers();
            }
        };
    }

    static Dl4jNet of(ComputationGraph net) {
        return new Dl4jNet() {
            @Override
            public void fit(DataSet batch) {
                net.fit(batch);
            }

            @Override
            public void infer(INDArray features) {
                net.output(false, features);
            }

            @Override
            public Layer[] layers() {
                return net.getLayers();
            }
        };
    }
}
