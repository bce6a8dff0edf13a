package dev.lamina.runtime.train;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J workspace that one training step or one evaluation batch runs in, reused from one to the
 * next so that their activations, caches, dropout masks and gradients of activations come from
 * memory that is already mapped instead of fresh allocations (whose page faults cost more than
 * most kernels: see {@code KernelBenchmark} in the runtime's tests).
 *
 * <p>The workspace learns its size in the first scope ({@link LearningPolicy#FIRST_LOOP}) and is
 * sized to that plus 10%; everything allocated in a scope is released when the next scope opens
 * ({@link ResetPolicy#BLOCK_LEFT}). A larger scope later (a bigger batch) spills to ordinary memory
 * once and the workspace grows to fit ({@link SpillPolicy#REALLOCATE}). Arrays created in a scope
 * are valid only until it closes: nothing of a step may be kept past it, and long-lived state
 * (parameters, gradients, optimizer moments, running statistics) must be allocated outside.
 *
 * <p>For inference loops of one's own:
 * <pre>{@code
 * StepWorkspace workspace = new StepWorkspace("my-inference");
 * for (INDArray batch : batches) {
 *     try (MemoryWorkspace scope = workspace.open()) {
 *         INDArray logits = model.forward(batch, false);
 *         ... // read what is needed; logits is gone when the scope closes
 *     }
 * }
 * }</pre>
 */
public final class StepWorkspace {
    private static final WorkspaceConfiguration CONFIGURATION = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private final String id;

    /**
     * A handle on the workspace named {@code id} of whichever thread opens it.
     *
     * @param id the workspace's name, one per kind of scope (steps of different sizes share badly)
     */
    public StepWorkspace(String id) {
        this.id = id;
    }

    /**
     * Opens a scope on this thread's workspace: arrays created on this thread until it is closed
     * come from the workspace.
     *
     * @return the scope; close it (try-with-resources) to end it
     */
    public MemoryWorkspace open() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIGURATION, id);
    }
}
