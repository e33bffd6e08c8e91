// A map-free sense of place: the Zhejiang (浙江) city and county a producer's name points to, from
// the province's 11 prefecture-level cities and their counties (GB/T 2260 names, 2024). Only for actors
// whose registration states no address (core/master-data.ts).

import type { AddressRegion } from '../../core/master-data.js'

/** zh 浙江 · 湖州 · 安吉, en "Anji, Huzhou, Zhejiang"; short: the most specific place alone, for the route summary. */
export type Region = AddressRegion

/** county or district -> its city, both as [zh, en] */
const COUNTIES: Record<string, [string, string, string]> = {
  // zh county: [en county, zh city, en city]
  安吉: ['Anji', '湖州', 'Huzhou'], 德清: ['Deqing', '湖州', 'Huzhou'], 长兴: ['Changxing', '湖州', 'Huzhou'],
  南浔: ['Nanxun', '湖州', 'Huzhou'], 吴兴: ['Wuxing', '湖州', 'Huzhou'],
  义乌: ['Yiwu', '金华', 'Jinhua'], 东阳: ['Dongyang', '金华', 'Jinhua'], 兰溪: ['Lanxi', '金华', 'Jinhua'],
  永康: ['Yongkang', '金华', 'Jinhua'], 武义: ['Wuyi', '金华', 'Jinhua'], 浦江: ['Pujiang', '金华', 'Jinhua'], 磐安: ['Pan\'an', '金华', 'Jinhua'],
  桐乡: ['Tongxiang', '嘉兴', 'Jiaxing'], 海宁: ['Haining', '嘉兴', 'Jiaxing'], 平湖: ['Pinghu', '嘉兴', 'Jiaxing'],
  嘉善: ['Jiashan', '嘉兴', 'Jiaxing'], 海盐: ['Haiyan', '嘉兴', 'Jiaxing'],
  西湖: ['Xihu', '杭州', 'Hangzhou'], 余杭: ['Yuhang', '杭州', 'Hangzhou'], 萧山: ['Xiaoshan', '杭州', 'Hangzhou'],
  临安: ['Lin\'an', '杭州', 'Hangzhou'], 富阳: ['Fuyang', '杭州', 'Hangzhou'], 桐庐: ['Tonglu', '杭州', 'Hangzhou'],
  淳安: ['Chun\'an', '杭州', 'Hangzhou'], 建德: ['Jiande', '杭州', 'Hangzhou'], 临平: ['Linping', '杭州', 'Hangzhou'],
  松阳: ['Songyang', '丽水', 'Lishui'], 遂昌: ['Suichang', '丽水', 'Lishui'], 龙泉: ['Longquan', '丽水', 'Lishui'],
  青田: ['Qingtian', '丽水', 'Lishui'], 缙云: ['Jinyun', '丽水', 'Lishui'], 庆元: ['Qingyuan', '丽水', 'Lishui'],
  景宁: ['Jingning', '丽水', 'Lishui'], 云和: ['Yunhe', '丽水', 'Lishui'],
  诸暨: ['Zhuji', '绍兴', 'Shaoxing'], 上虞: ['Shangyu', '绍兴', 'Shaoxing'], 嵊州: ['Shengzhou', '绍兴', 'Shaoxing'],
  新昌: ['Xinchang', '绍兴', 'Shaoxing'], 柯桥: ['Keqiao', '绍兴', 'Shaoxing'],
  慈溪: ['Cixi', '宁波', 'Ningbo'], 余姚: ['Yuyao', '宁波', 'Ningbo'], 宁海: ['Ninghai', '宁波', 'Ningbo'],
  象山: ['Xiangshan', '宁波', 'Ningbo'], 奉化: ['Fenghua', '宁波', 'Ningbo'],
  瑞安: ['Rui\'an', '温州', 'Wenzhou'], 乐清: ['Yueqing', '温州', 'Wenzhou'], 永嘉: ['Yongjia', '温州', 'Wenzhou'],
  文成: ['Wencheng', '温州', 'Wenzhou'], 平阳: ['Pingyang', '温州', 'Wenzhou'], 苍南: ['Cangnan', '温州', 'Wenzhou'], 泰顺: ['Taishun', '温州', 'Wenzhou'],
  临海: ['Linhai', '台州', 'Taizhou'], 温岭: ['Wenling', '台州', 'Taizhou'], 天台: ['Tiantai', '台州', 'Taizhou'],
  仙居: ['Xianju', '台州', 'Taizhou'], 三门: ['Sanmen', '台州', 'Taizhou'], 玉环: ['Yuhuan', '台州', 'Taizhou'],
  江山: ['Jiangshan', '衢州', 'Quzhou'], 常山: ['Changshan', '衢州', 'Quzhou'], 开化: ['Kaihua', '衢州', 'Quzhou'], 龙游: ['Longyou', '衢州', 'Quzhou'],
  岱山: ['Daishan', '舟山', 'Zhoushan'], 嵊泗: ['Shengsi', '舟山', 'Zhoushan'], 普陀: ['Putuo', '舟山', 'Zhoushan'],
}

/** Districts of a city proper: the route summary names the city (杭州), not the district (西湖). */
const DISTRICTS = new Set(['西湖', '余杭', '萧山', '临安', '富阳', '临平', '南浔', '吴兴', '柯桥', '上虞', '奉化', '普陀'])

const CITIES: Record<string, string> = {
  杭州: 'Hangzhou', 宁波: 'Ningbo', 温州: 'Wenzhou', 嘉兴: 'Jiaxing', 湖州: 'Huzhou', 绍兴: 'Shaoxing',
  金华: 'Jinhua', 衢州: 'Quzhou', 舟山: 'Zhoushan', 台州: 'Taizhou', 丽水: 'Lishui',
}

/**
 * The Zhejiang region a Chinese name points to ("安吉稻米合作社" -> 浙江 湖州 安吉), the province
 * alone for names that say only 浙 or 浙江, or undefined: a guess from the name, shown as a region,
 * never as an address.
 */
export function regionOf(zhName: string | undefined): Region | undefined {
  if (!zhName) return undefined
  for (const [county, [countyEn, city, cityEn]] of Object.entries(COUNTIES)) {
    if (zhName.includes(county)) return { zh: `浙江 · ${city} · ${county}`, en: `${countyEn}, ${cityEn}, Zhejiang`, short: DISTRICTS.has(county) ? { zh: city, en: cityEn } : { zh: county, en: countyEn } }
  }
  for (const [city, cityEn] of Object.entries(CITIES)) {
    if (zhName.includes(city)) return { zh: `浙江 · ${city}`, en: `${cityEn}, Zhejiang`, short: { zh: city, en: cityEn } }
  }
  if (zhName.includes('浙')) return { zh: '浙江', en: 'Zhejiang', short: { zh: '浙江', en: 'Zhejiang' } }
  return undefined
}
