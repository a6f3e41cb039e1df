/// Arrays copied once into memory of their own and never changed after:
/// read through plain pointers, they cost no reference count, which matters
/// when several threads read the same tables for every household (each
/// count would be an atomic operation on a shared cache line). The owner
/// frees them with `free()` when it goes.
struct FrozenArrays {
    private var allocations: [UnsafeMutableRawPointer] = []

    /// A frozen copy of `array`.
    mutating func keep<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
        _ = buffer.initialize(from: array)
        allocations.append(UnsafeMutableRawPointer(buffer.baseAddress!))
        return UnsafeBufferPointer(rebasing: buffer[0..<array.count])
    }

    func free() {
        for allocation in allocations { allocation.deallocate() }
    }
}
