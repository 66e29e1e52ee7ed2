export const packageName = '@privacy-number/volcengine'
