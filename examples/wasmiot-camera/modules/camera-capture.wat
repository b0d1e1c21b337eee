;; camera-capture.wat - take one picture and write it to image.jpeg, the
;; output mount of take_image.
;;
;; The supervisor's camera.takeImageDynamicSize(ptr_ptr, size_ptr) captures a
;; JPEG into memory it gets from the module's exported `alloc`, and stores
;; the buffer's address and size at ptr_ptr and size_ptr.  The file is
;; written through WASI into the function's directory, which the supervisor
;; preopens as file descriptor 3.  take_image returns 0 or the WASI errno.
;;
;; Build: wat2wasm camera-capture.wat -o camera-capture.wasm
(module
  (import "camera" "takeImageDynamicSize" (func $take_image_dynamic (param i32 i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))

  (memory (export "memory") 1)

  ;; 0: the output file's name; 16: image address; 20: image size;
  ;; 24: one iovec (address, length); 32: bytes written; 36: the opened fd.
  (data (i32.const 0) "image.jpeg")
  (global $heap (mut i32) (i32.const 1024))

  ;; A bump allocator for the supervisor: n bytes, growing the memory when
  ;; needed; 0 when the memory cannot grow.
  (func $alloc (export "alloc") (param $n i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have))
                                    (i32.const 65535))
                           (i32.const 16)))
              (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $p))

  (func (export "take_image") (result i32)
    (local $fd i32) (local $err i32)
    (call $take_image_dynamic (i32.const 16) (i32.const 20))
    ;; image.jpeg in the preopened directory: O_CREAT | O_TRUNC, right fd_write.
    (local.set $err
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 10)
                       (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0)
                       (i32.const 36)))
    (if (local.get $err) (then (return (local.get $err))))
    (local.set $fd (i32.load (i32.const 36)))
    (i32.store (i32.const 24) (i32.load (i32.const 16)))
    (i32.store (i32.const 28) (i32.load (i32.const 20)))
    ;; fd_write may write less than asked: go on from where it stopped.
    (block $written
      (loop $more
        (br_if $written (i32.eqz (i32.load (i32.const 28))))
        (local.set $err
          (call $fd_write (local.get $fd) (i32.const 24) (i32.const 1) (i32.const 32)))
        (br_if $written (local.get $err))
        (if (i32.eqz (i32.load (i32.const 32)))
          (then (local.set $err (i32.const 29)) (br $written))) ;; EIO: no progress
        (i32.store (i32.const 24) (i32.add (i32.load (i32.const 24)) (i32.load (i32.const 32))))
        (i32.store (i32.const 28) (i32.sub (i32.load (i32.const 28)) (i32.load (i32.const 32))))
        (br $more)))
    (drop (call $fd_close (local.get $fd)))
    (local.get $err)))
