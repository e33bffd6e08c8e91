// A map-free sense of place: the Zhejiang (浙江) city and county a producer's name points to, from
// the province's 11 prefecture-level cities and their counties (GB/T 2260 names, 2024). Only for actors
// whose registration states no address (core/master-data.ts).

import type { AddressRegion } from '../../core/master-data.js'

/** zh 浙江 · 湖州 · 安吉, en "Anji, Huzhou, Zhejiang"; short: the most specific place alone, for the route summary. */
export type Region = AddressRegion

/** County or district -> its city, in Chinese: what a name is read for. */
const CITY_OF: Record<string, string> = {
  安吉: '湖州', 德清: '湖州', 长兴: '湖州', 南浔: '湖州', 吴兴: '湖州',
  义乌: '金华', 东阳: '金华', 兰溪: '金华', 永康: '金华', 武义: '金华', 浦江: '金华', 磐安: '金华',
  桐乡: '嘉兴', 海宁: '嘉兴', 平湖: '嘉兴', 嘉善: '嘉兴', 海盐: '嘉兴',
  西湖: '杭州', 余杭: '杭州', 萧山: '杭州', 临安: '杭州', 富阳: '杭州', 桐庐: '杭州', 淳安: '杭州', 建德: '杭州', 临平: '杭州',
  松阳: '丽水', 遂昌: '丽水', 龙泉: '丽水', 青田: '丽水', 缙云: '丽水', 庆元: '丽水', 景宁: '丽水', 云和: '丽水',
  诸暨: '绍兴', 上虞: '绍兴', 嵊州: '绍兴', 新昌: '绍兴', 柯桥: '绍兴',
  慈溪: '宁波', 余姚: '宁波', 宁海: '宁波', 象山: '宁波', 奉化: '宁波',
  瑞安: '温州', 乐清: '温州', 永嘉: '温州', 文成: '温州', 平阳: '温州', 苍南: '温州', 泰顺: '温州',
  临海: '台州', 温岭: '台州', 天台: '台州', 仙居: '台州', 三门: '台州', 玉环: '台州',
  江山: '衢州', 常山: '衢州', 开化: '衢州', 龙游: '衢州',
  岱山: '舟山', 嵊泗: '舟山', 普陀: '舟山',
}

/** The cities, in Chinese, for a name that names no county. */
const CITIES = ['杭州', '宁波', '温州', '嘉兴', '湖州', '绍兴', '金华', '衢州', '舟山', '台州', '丽水']

/**
 * The English names of the places, for the English pages. The Chinese pages' script leaves them out
 * (web/one-language.ts), and there `inEnglish` gives the Chinese name: those pages show the Chinese ones.
 */
const NAMES: Record<'zh' | 'en', Record<string, string>> = {
  zh: {},
  en: {
    安吉: 'Anji', 德清: 'Deqing', 长兴: 'Changxing', 南浔: 'Nanxun', 吴兴: 'Wuxing', 义乌: 'Yiwu', 东阳: 'Dongyang', 兰溪: 'Lanxi',
    永康: 'Yongkang', 武义: 'Wuyi', 浦江: 'Pujiang', 磐安: 'Pan\'an', 桐乡: 'Tongxiang', 海宁: 'Haining', 平湖: 'Pinghu',
    嘉善: 'Jiashan', 海盐: 'Haiyan', 西湖: 'Xihu', 余杭: 'Yuhang', 萧山: 'Xiaoshan', 临安: 'Lin\'an', 富阳: 'Fuyang', 桐庐: 'Tonglu',
    淳安: 'Chun\'an', 建德: 'Jiande', 临平: 'Linping', 松阳: 'Songyang', 遂昌: 'Suichang', 龙泉: 'Longquan', 青田: 'Qingtian',
    缙云: 'Jinyun', 庆元: 'Qingyuan', 景宁: 'Jingning', 云和: 'Yunhe', 诸暨: 'Zhuji', 上虞: 'Shangyu', 嵊州: 'Shengzhou',
    新昌: 'Xinchang', 柯桥: 'Keqiao', 慈溪: 'Cixi', 余姚: 'Yuyao', 宁海: 'Ninghai', 象山: 'Xiangshan', 奉化: 'Fenghua',
    瑞安: 'Rui\'an', 乐清: 'Yueqing', 永嘉: 'Yongjia', 文成: 'Wencheng', 平阳: 'Pingyang', 苍南: 'Cangnan', 泰顺: 'Taishun',
    临海: 'Linhai', 温岭: 'Wenling', 天台: 'Tiantai', 仙居: 'Xianju', 三门: 'Sanmen', 玉环: 'Yuhuan', 江山: 'Jiangshan',
    常山: 'Changshan', 开化: 'Kaihua', 龙游: 'Longyou', 岱山: 'Daishan', 嵊泗: 'Shengsi', 普陀: 'Putuo', 杭州: 'Hangzhou',
    宁波: 'Ningbo', 温州: 'Wenzhou', 嘉兴: 'Jiaxing', 湖州: 'Huzhou', 绍兴: 'Shaoxing', 金华: 'Jinhua', 衢州: 'Quzhou',
    舟山: 'Zhoushan', 台州: 'Taizhou', 丽水: 'Lishui',
  },
}

const inEnglish = (zh: string): string => NAMES.en[zh] ?? zh

/** Districts of a city proper: the route summary names the city (杭州), not the district (西湖). */
const DISTRICTS = new Set(['西湖', '余杭', '萧山', '临安', '富阳', '临平', '南浔', '吴兴', '柯桥', '上虞', '奉化', '普陀'])

/**
 * The Zhejiang region a Chinese name points to ("安吉稻米合作社" -> 浙江 湖州 安吉), the province
 * alone for names that say only 浙 or 浙江, or undefined: a guess from the name, shown as a region,
 * never as an address.
 */
export function regionOf(zhName: string | undefined): Region | undefined {
  if (!zhName) return undefined
  for (const [county, city] of Object.entries(CITY_OF)) {
    if (zhName.includes(county)) {
      return { zh: `浙江 · ${city} · ${county}`, en: `${inEnglish(county)}, ${inEnglish(city)}, Zhejiang`, short: DISTRICTS.has(county) ? { zh: city, en: inEnglish(city) } : { zh: county, en: inEnglish(county) } }
    }
  }
  for (const city of CITIES) {
    if (zhName.includes(city)) return { zh: `浙江 · ${city}`, en: `${inEnglish(city)}, Zhejiang`, short: { zh: city, en: inEnglish(city) } }
  }
  if (zhName.includes('浙')) return { zh: '浙江', en: 'Zhejiang', short: { zh: '浙江', en: 'Zhejiang' } }
  return undefined
}
