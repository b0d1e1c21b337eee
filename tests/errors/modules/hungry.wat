;; hungry.wat - a module that starts with 128 MiB of memory (2048 pages).
(module
  (memory (export "memory") 2048)
  (func (export "run")))
