/**
 * header.json of a real inspect-ai log, as the archive holds it: one zstd frame (no content size, a
 * 2 MiB window, compressed blocks), from test/helpers/standins/make_eval_templates.py's successful
 * log (mockllm/model, task `template`, scorers match and includes at 0.8 accuracy, 10 samples).
 */
export const INSPECT_HEADER_ZSTD = Buffer.from(
  'KLUv/QBYfS0AelEMDyrgxqoeMM00JOGhNWEKKd9mfbO+mTfXblGHUWF7Pd/3y7kAZJwmzDDDfDjeAOQA/QDsKp7jKkc5hpuc5CIH' +
    'ucc5FJD/kpZ7DuT3qWX9rIF8/fv2dfl/a5b/bApkjMopm8IayI/Z3mgg/0Tae9vel5hbz5pamZ7ayyujEbw1++KWWzoreCov2vcL' +
    '3ro2vVJw36ekWA8yWUxIKEvCxdIQcV97iLDnQil+e2qZX4Zs+b7s+D34HgAKgg4EqRchvQCPE2B63sOQL7/tNrLjhAxDInLIyAIQ' +
    '1Auw1I94NMRiQjfLjmPjAIZAPWpgCJEGVeukowakwZAvaWkgz744O/73GLdnyL/dvs/ugUyrfOsX1gSSVDGmRzmtF+IgO3gYuJA4' +
    'eMZwgJCZCFhosFxawqiciiE5771XTdIDOdYvkkClohiDyOOBweEiu7LqwGMBeijlNtJDPSiiGFVVQdDjQM97j+BB9kxejNtEzuxb' +
    'L7uH3eOWeq27aXS7PrWsRnYVG4ZM67dbS6v32W340r4v/7tadsyQPdqtPjv2qWkNhnypX1ojO3Y8LCKOxydEtkZJAgZigR7vE2sg' +
    'O9b/7lHWStRQQP67aXerVlbvb3HjQH5a5Y1OaY0WpjPWQMYkhdZo+W3r1DGrIJvTEmvGkKdfNbt8Uihb5QMXbbc1Prspm2LRavlG' +
    '5fXNXsi2WusWrZZzIH8lVs03FZvKmaAHORIUVS/rqQARLRDsgU2SVIGruqg1OnBU3hE0Rc7z3pveu9qtQUJWKSRtGIdDzDARRwbK' +
    'GOInVNFTMZwHQQ9tjxVzMUAkDYlMBkwcIFSIQZw0tmiBqqLqcSipkhxMRjww8YpojwXCJBP+SJLExMKAh4jqeSCHMb33XjRNlWtt' +
    'F6pDw4GIBwPJJSpAKChAMA+IJCMBeabpvYeqqqqSqEe6FUw6FgpMGtgUJYkHm5loiIhEFYmGyELkPNIkPY7kONdWZ4wkAg4CDxGD' +
    'Q7MYXBgwnuIgIQwcTI4UFJAf68vukrMvFRSQM7belxXrykxOy2d971nVbevya/t+Uzmv9gq7CsjZUNvsCzvWPLrZy58z+965/WbD' +
    'Wq2TIf+cHa1Z683atmb9Mutrfp8dZNpTY7epeL+2Gfv21dczdhXW+nXfbTaZ2HaLsQuitNf9O1puK8UkO76xMd6xTtZolR1X4u3M' +
    'uq1Roh4CiOAxZNnWja49layxxNaulRc7riTKNXEmhnxlljFkKjFpKzu+Ustc1siLW3abd6wzOduthdVpYXXeKbeJW03baPuMFqZO' +
    'AoDEqEGZMcghI0IiIiJSBUkHYAIRIqOhOhJAgGmUpzmMUGQIIUQggYgEEomEEnehD8HYpZFFOSWw6YjIWCPrTqfrvt+M5xNEMoEg' +
    'kjsQSQEZLmUkXaN2u9B7GTgSkzDatCh5nz8FlUKmdgQskADn/Nm8zPBDdM5T69V7x6AE7ZwOvZKgjOdAGCJgDLZ+zMTEDlWCAwLZ' +
    'q18UfZVhqlJfShCryxsGmRPhlOlCgpCy/Ujie2tdCTBM8VPp/NNW6tiBloAlALIxnDRCiGNFd4MgxW6cLlyW5Ae1HxGc2EYbIXYb' +
    'pVHrOaAPk28pXlIEaFc14Yy10T7eoOMMd7cDq876u1YmWhprZTbdLPQTxtNfrxsQVzi+MJNh09cF9TLfJFkAJa8GGUk9dpXujRqy' +
    '5SvPqnx31WBAL3yVrlhMFgeiML7TEmj914KyyGAUb2aJayGmjSIuS4NRvHmW0dLlCrSEiP31Sy6rfCrSFjm/fwljOc8e3R+HEXnj' +
    'IL6B8GUUO3mQ/CbEOk9bI8jffYQAx71DUp/C5uhL2vLRpyGAOpsozIkq9T4CYxASEXF49fWqkGhUiXn+Y1ykJt6yxmMrGxHMm7et' +
    'pfASQv1DweY/ylOGcXikDM+idUM6+yWyzxIyOl7acipYqdApzKr+',
  'base64',
)

/** Its length decompressed and its CRC-32, as the archive's directory says. */
export const INSPECT_HEADER_SIZE = 5579
export const INSPECT_HEADER_CRC = 3669725811

/**
 * One frame of `n` copies of that header's compressed block (it defines its own tables, so each copy
 * regenerates the header again): `n` × 5579 bytes out, nothing declared that says so beforehand.
 */
export function repeatedHeaderFrame(n: number): Buffer {
  const header = INSPECT_HEADER_ZSTD.readUIntLE(6, 3)
  const block = INSPECT_HEADER_ZSTD.subarray(6, 9 + (header >>> 3))
  const notLast = Buffer.from(block)
  notLast.writeUIntLE(header & ~1, 0, 3)
  return Buffer.concat([INSPECT_HEADER_ZSTD.subarray(0, 6), ...Array.from({ length: n - 1 }, () => notLast), block])
}
