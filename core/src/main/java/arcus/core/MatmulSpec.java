package arcus.core;

/**
 * A (batched) matrix product C[b] = op(A[b]) · op(B[b]) with op(A) of shape m×k and op(B) k×n.
 * An operand whose batch count is 1 is shared by every batch entry.
 */
public record MatmulSpec(int batch, boolean batchA, boolean batchB, int m, int n, int k, boolean transA, boolean transB) {}
