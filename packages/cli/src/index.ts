export const packageName = '@privacy-number/cli'
