export const packageName = '@privacy-number/emulator'
