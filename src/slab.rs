//! A table of values named by ids that are never reused for another value (a slot's generation
//! moves on when it is freed), so a late callback for a finished entry finds nothing rather than
//! another entry. Smaller in wasm than a HashMap: no hashing, no probing.

pub struct Slab<T> {
    slots: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { slots: Vec::new(), free: Vec::new() }
    }
}

/// An id: the slot's index in the low 32 bits, its generation above (ids stay below 2^53, so
/// they cross to JS as numbers exactly).
fn id(index: u32, generation: u32) -> u64 {
    (u64::from(generation & 0x1f_ffff) << 32) | u64::from(index)
}

impl<T> Slab<T> {
    pub fn insert(&mut self, value: T) -> u64 {
        self.insert_with(|_| value)
    }

    /// Stores the value `make` builds from its own id (a task's waker names its task).
    pub fn insert_with(&mut self, make: impl FnOnce(u64) -> T) -> u64 {
        if let Some(index) = self.free.pop() {
            if let Some(slot) = self.slots.get_mut(index as usize) {
                let id = id(index, slot.0);
                slot.1 = Some(make(id));
                return id;
            }
        }
        let index = self.slots.len() as u32;
        let id = id(index, 0);
        self.slots.push((0, Some(make(id))));
        id
    }

    fn slot(&mut self, id: u64) -> Option<&mut (u32, Option<T>)> {
        let slot = self.slots.get_mut((id & 0xffff_ffff) as usize)?;
        (u64::from(slot.0 & 0x1f_ffff) == id >> 32).then_some(slot)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut T> {
        self.slot(id)?.1.as_mut()
    }

    pub fn remove(&mut self, id: u64) -> Option<T> {
        let slot = self.slot(id)?;
        let value = slot.1.take()?;
        slot.0 = slot.0.wrapping_add(1);
        self.free.push((id & 0xffff_ffff) as u32);
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Slab;

    #[test]
    fn a_freed_id_never_finds_the_value_that_reuses_its_slot() {
        let mut slab = Slab::default();
        let a = slab.insert("a");
        assert_eq!(slab.remove(a), Some("a"));
        let b = slab.insert("b");
        assert_ne!(a, b);
        assert_eq!(slab.get_mut(a), None);
        assert_eq!(slab.remove(a), None);
        assert_eq!(slab.get_mut(b), Some(&mut "b"));
        let c = slab.insert("c");
        assert_eq!(slab.remove(b), Some("b"));
        assert_eq!(slab.remove(c), Some("c"));
        assert!(b < 1 << 53 && c < 1 << 53);
    }
}
