/// The pyramid step of the listener (Chan et al. 2016, §3.1): concatenate each pair of
/// consecutive frames, x[T, B, W] → y[⌊T/2⌋, B, 2W], dropping a trailing odd frame.
/// Lengths halve (rounding down), so a pair is valid only when both of its frames are.
public enum PyramidalReduction {
    public static func forward(_ x: [Float], steps T: Int, batch B: Int, width W: Int) -> [Float] {
        let T2 = T / 2
        var y = [Float](repeating: 0, count: T2 * B * 2 * W)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for t in 0..<T2 {
                    for b in 0..<B {
                        let dst = yp.baseAddress! + (t * B + b) * 2 * W
                        dst.update(from: xp.baseAddress! + (2 * t * B + b) * W, count: W)
                        (dst + W).update(from: xp.baseAddress! + ((2 * t + 1) * B + b) * W, count: W)
                    }
                }
            }
        }
        return y
    }

    /// dx for the frames that were used; a dropped trailing frame gets zero gradient.
    public static func backward(_ dy: [Float], steps T: Int, batch B: Int, width W: Int) -> [Float] {
        let T2 = T / 2
        var dx = [Float](repeating: 0, count: T * B * W)
        dy.withUnsafeBufferPointer { dyp in
            dx.withUnsafeMutableBufferPointer { dxp in
                for t in 0..<T2 {
                    for b in 0..<B {
                        let src = dyp.baseAddress! + (t * B + b) * 2 * W
                        (dxp.baseAddress! + (2 * t * B + b) * W).update(from: src, count: W)
                        (dxp.baseAddress! + ((2 * t + 1) * B + b) * W).update(from: src + W, count: W)
                    }
                }
            }
        }
        return dx
    }

    public static func lengths(_ lengths: [Int]) -> [Int] { lengths.map { $0 / 2 } }
}
