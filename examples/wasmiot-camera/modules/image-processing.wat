;; image-processing.wat - strip_metadata: copy a JPEG without the metadata a
;; camera writes into it (EXIF with the time and place a picture was taken,
;; XMP, comments) before the picture leaves the device.
;;
;; Input: input.jpeg (execution mount).  Output: output.jpeg (output mount).
;; keep-markers.bin (deployment mount) lists, one byte each, the APPn
;; markers to keep anyway (0xE2 keeps the ICC colour profile).  APP0 (JFIF)
;; and every segment that is not metadata are always kept; the entropy-coded
;; data after the start of scan is copied unchanged.  Returns 0, the WASI
;; errno of a failed read or write, or 1000 + the offset where the input
;; stopped being a JPEG.
;;
;; The memory starts at 1 MiB and grows to twice the picture's size (the
;; input and its copy).
;;
;; Build: wat2wasm image-processing.wat -o image-processing.wasm
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))

  (memory (export "memory") 16)

  ;; 0: file names; 64: iovec; 72: byte count; 76: opened fd;
  ;; 256: the kept markers; 65536: the input, then the output.
  (data (i32.const 0) "input.jpeg")          ;; 10 bytes
  (data (i32.const 16) "output.jpeg")        ;; 11 bytes
  (data (i32.const 32) "keep-markers.bin")   ;; 16 bytes
  (global $keep_at i32 (i32.const 256))
  (global $input_at i32 (i32.const 65536))

  ;; Opens a file of the preopened directory (fd 3); the fd is stored at 76.
  (func $open (param $name i32) (param $len i32) (param $oflags i32) (param $rights i64)
              (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get $name) (local.get $len)
                     (local.get $oflags) (local.get $rights) (i64.const 0) (i32.const 0)
                     (i32.const 76)))

  ;; Grows the memory to hold $end bytes.  Returns 0, or 48 (ENOMEM).
  (func $reserve (param $end i32) (result i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.le_u (local.get $end) (local.get $have)) (then (return (i32.const 0))))
    (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have))
                                                (i32.const 65535))
                                       (i32.const 16)))
                (i32.const -1))
      (then (return (i32.const 48))))
    (i32.const 0))

  ;; Reads the whole file, at most $max bytes, into memory at $at, growing
  ;; the memory as it goes; the length is stored at 72.  Returns 0 or the
  ;; errno.
  (func $read_file (param $name i32) (param $len i32) (param $at i32) (param $max i32)
                   (result i32)
    (local $fd i32) (local $err i32) (local $total i32) (local $chunk i32)
    (local.set $err (call $open (local.get $name) (local.get $len) (i32.const 0) (i64.const 2)))
    (if (local.get $err) (then (return (local.get $err))))
    (local.set $fd (i32.load (i32.const 76)))
    (block $eof
      (loop $more
        ;; 64 KiB at a time, and never past $max.
        (local.set $chunk (i32.sub (local.get $max) (local.get $total)))
        (br_if $eof (i32.eqz (local.get $chunk)))
        (if (i32.gt_u (local.get $chunk) (i32.const 65536))
          (then (local.set $chunk (i32.const 65536))))
        (local.set $err (call $reserve (i32.add (i32.add (local.get $at) (local.get $total))
                                                (local.get $chunk))))
        (br_if $eof (local.get $err))
        (i32.store (i32.const 64) (i32.add (local.get $at) (local.get $total)))
        (i32.store (i32.const 68) (local.get $chunk))
        (local.set $err (call $fd_read (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
        (br_if $eof (local.get $err))
        (br_if $eof (i32.eqz (i32.load (i32.const 72))))
        (local.set $total (i32.add (local.get $total) (i32.load (i32.const 72))))
        (br $more)))
    (drop (call $fd_close (local.get $fd)))
    (i32.store (i32.const 72) (local.get $total))
    (local.get $err))

  ;; Writes $n bytes at $at to output.jpeg.  Returns 0 or the errno.
  (func $write_file (param $at i32) (param $n i32) (result i32)
    (local $fd i32) (local $err i32)
    (local.set $err (call $open (i32.const 16) (i32.const 11) (i32.const 9) (i64.const 64)))
    (if (local.get $err) (then (return (local.get $err))))
    (local.set $fd (i32.load (i32.const 76)))
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store (i32.const 64) (local.get $at))
        (i32.store (i32.const 68) (local.get $n))
        (local.set $err (call $fd_write (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
        (br_if $done (local.get $err))
        (if (i32.eqz (i32.load (i32.const 72)))
          (then (local.set $err (i32.const 29)) (br $done))) ;; EIO: no progress
        (local.set $at (i32.add (local.get $at) (i32.load (i32.const 72))))
        (local.set $n (i32.sub (local.get $n) (i32.load (i32.const 72))))
        (br $more)))
    (drop (call $fd_close (local.get $fd)))
    (local.get $err))

  ;; Whether marker $m is metadata to drop: APP1..APP15 and COM, unless listed
  ;; among the $nkeep kept markers.
  (func $drop_marker (param $m i32) (param $nkeep i32) (result i32)
    (local $i i32)
    (if (i32.eqz (i32.or (i32.and (i32.ge_u (local.get $m) (i32.const 0xe1))
                                  (i32.le_u (local.get $m) (i32.const 0xef)))
                         (i32.eq (local.get $m) (i32.const 0xfe))))
      (then (return (i32.const 0))))
    (block $none
      (loop $next
        (br_if $none (i32.ge_u (local.get $i) (local.get $nkeep)))
        (if (i32.eq (i32.load8_u (i32.add (global.get $keep_at) (local.get $i))) (local.get $m))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func (export "strip_metadata") (result i32)
    (local $err i32) (local $nkeep i32) (local $n i32) (local $in i32) (local $out i32)
    (local $i i32) (local $o i32) (local $m i32) (local $seg i32)
    ;; Without a marker list, only JFIF and image data are kept.
    (if (i32.eqz (call $read_file (i32.const 32) (i32.const 16) (global.get $keep_at) (i32.const 256)))
      (then (local.set $nkeep (i32.load (i32.const 72)))))
    (local.set $in (global.get $input_at))
    (local.set $err (call $read_file (i32.const 0) (i32.const 10) (local.get $in)
                                     (i32.const 0x3fff0000)))
    (if (local.get $err) (then (return (local.get $err))))
    (local.set $n (i32.load (i32.const 72)))
    (local.set $out (i32.add (local.get $in) (local.get $n)))
    (local.set $err (call $reserve (i32.add (local.get $out) (local.get $n))))
    (if (local.get $err) (then (return (local.get $err))))
    ;; SOI
    (if (i32.or (i32.lt_u (local.get $n) (i32.const 4))
                (i32.ne (i32.load16_u (local.get $in)) (i32.const 0xd8ff)))
      (then (return (i32.const 1000))))
    (i32.store16 (local.get $out) (i32.const 0xd8ff))
    (local.set $i (i32.const 2))
    (local.set $o (i32.const 2))
    (block $end
      (loop $segment
        (if (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n))
          (then (return (i32.add (i32.const 1000) (local.get $i)))))
        (if (i32.ne (i32.load8_u (i32.add (local.get $in) (local.get $i))) (i32.const 0xff))
          (then (return (i32.add (i32.const 1000) (local.get $i)))))
        (local.set $m (i32.load8_u (i32.add (local.get $in) (i32.add (local.get $i) (i32.const 1)))))
        ;; 0xFF fill bytes before a marker.
        (if (i32.eq (local.get $m) (i32.const 0xff))
          (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $segment)))
        ;; EOI: done.  SOS: the rest is image data, copied as it is.
        (if (i32.eq (local.get $m) (i32.const 0xd9))
          (then (local.set $seg (i32.const 2)) (br $end)))
        (if (i32.eq (local.get $m) (i32.const 0xda))
          (then (local.set $seg (i32.sub (local.get $n) (local.get $i))) (br $end)))
        (if (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n))
          (then (return (i32.add (i32.const 1000) (local.get $i)))))
        ;; The segment length is big-endian and counts itself.
        (local.set $seg
          (i32.add (i32.const 2)
            (i32.or (i32.shl (i32.load8_u (i32.add (local.get $in) (i32.add (local.get $i) (i32.const 2))))
                             (i32.const 8))
                    (i32.load8_u (i32.add (local.get $in) (i32.add (local.get $i) (i32.const 3)))))))
        (if (i32.gt_u (i32.add (local.get $i) (local.get $seg)) (local.get $n))
          (then (return (i32.add (i32.const 1000) (local.get $i)))))
        (if (i32.eqz (call $drop_marker (local.get $m) (local.get $nkeep)))
          (then
            (memory.copy (i32.add (local.get $out) (local.get $o))
                         (i32.add (local.get $in) (local.get $i)) (local.get $seg))
            (local.set $o (i32.add (local.get $o) (local.get $seg)))))
        (local.set $i (i32.add (local.get $i) (local.get $seg)))
        (br $segment)))
    (memory.copy (i32.add (local.get $out) (local.get $o))
                 (i32.add (local.get $in) (local.get $i)) (local.get $seg))
    (call $write_file (local.get $out) (i32.add (local.get $o) (local.get $seg)))))
