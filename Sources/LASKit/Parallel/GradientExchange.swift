/// Sums the gradients of all ranks in one MPI_Allreduce per step. The parameters' gradients
/// live in separate arrays, and one call per parameter would pay the network latency dozens of
/// times a step; so they are packed into one flat buffer, allocated once, together with a few
/// scalars the ranks also need summed (the loss, a stop request), then unpacked in place.
final class GradientExchange {
    let parameters: [Parameter]
    let scalars: Int
    private var buffer: [Float]

    init(parameters: [Parameter], scalars: Int) {
        self.parameters = parameters
        self.scalars = scalars
        buffer = [Float](repeating: 0, count: parameters.reduce(0) { $0 + $1.count } + scalars)
    }

    /// Replaces every parameter's gradient by the sum over ranks, and returns the sums of `values`.
    func sum(_ values: [Float], over group: ProcessGroup) throws -> [Float] {
        precondition(values.count == scalars)
        var offset = 0
        buffer.withUnsafeMutableBufferPointer { b in
            for p in parameters {
                p.grad.withUnsafeBufferPointer { g in (b.baseAddress! + offset).update(from: g.baseAddress!, count: g.count) }
                offset += p.count
            }
            for (k, v) in values.enumerated() { b[offset + k] = v }
        }
        try group.sum(&buffer, what: "the gradient sum")
        offset = 0
        buffer.withUnsafeBufferPointer { b in
            for p in parameters {
                p.grad.withUnsafeMutableBufferPointer { g in g.baseAddress!.update(from: b.baseAddress! + offset, count: g.count) }
                offset += p.count
            }
        }
        return Array(buffer[offset...])
    }
}
