export const packageName = '@privacy-number/aliyun'
