#if canImport(Glibc)
import Glibc
#endif

/// A training step allocates and frees the same large activation buffers every step. glibc
/// hands blocks above its mmap threshold out as fresh mappings and returns the heap top to the
/// kernel past its trim threshold, so each step pays page faults and kernel page zeroing again.
/// Fixing both thresholds high keeps freed blocks in the heap for the next step.
public enum HeapRetention {
    public static func keepFreedMemory() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 32 << 20)   // M_MMAP_THRESHOLD: glibc's largest allowed value on 64-bit
        _ = mallopt(-1, 1 << 30)    // M_TRIM_THRESHOLD
        #endif
    }
}
