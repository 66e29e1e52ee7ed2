export const packageName = '@privacy-number/core'
