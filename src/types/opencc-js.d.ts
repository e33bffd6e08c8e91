// opencc-js's dictionary modules (the package's types cover its converters, not these): each is OpenCC's
// table as one string, "from to|from to|…".
declare module 'opencc-js/dict/*' {
  const table: string
  export default table
}
