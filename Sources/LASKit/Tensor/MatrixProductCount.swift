import Synchronization

/// Floating-point operations of the matrix products, 2·m·n·k each (sgemm, sgemv and the packed
/// recurrent products), so that a benchmark can state how many a step does and what fraction of
/// the BLAS limit it reaches (`tools/profile_train_step.sh`). Off unless a benchmark turns it
/// on: then one relaxed atomic add per product, nothing next to the product itself.
public enum MatrixProductCount {
    nonisolated(unsafe) public static var isCounting = false
    static let flops = Atomic<Int>(0)

    @inline(__always)
    static func add(m: Int, n: Int, k: Int) {
        if isCounting { flops.wrappingAdd(2 * m * n * k, ordering: .relaxed) }
    }

    /// Operations counted since the process started counting.
    public static var total: Int { flops.load(ordering: .relaxed) }
}
