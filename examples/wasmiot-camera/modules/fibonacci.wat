;; fibonacci.wat - the Fibonacci module of the wasmiot orchestrator's tests
;; (deployment-tests/test1/orchestrator/init/files/fibo.wasm), written again
;; as text: fibo(n) is the n-th Fibonacci number, computed iteratively, with
;; wrap-around on overflow (fibo(93) and later do not fit in 64 bits).
;; No imports: it runs on any supervisor.
;;
;; Build: wat2wasm fibonacci.wat -o fibonacci.wasm
(module
  (memory (export "memory") 1)

  (func (export "fibo") (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $next i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $next (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $step)))
    (local.get $a)))
