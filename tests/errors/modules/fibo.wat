;; fibo.wat - fibo(i64) -> i64 for the error cases, with a memory and a
;; global exported beside it.
(module
  (memory (export "memory") 1)
  (global (export "version") i32 (i32.const 1))
  (func (export "fibo") (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $step)))
    (local.get $a)))
