"""Drives the operator's page in headless Debian Chromium (selenium + Debian's chromedriver; nothing downloaded).

Usage: operator_page.py BASE_URL PASSWORD TOMORROW(YYYY-MM-DD)
Prints one line per step passed; exits non-zero with the failing step on stderr.
"""
import sys
from selenium.webdriver.common.by import By
from phone_chromium import open_browser, step

base, password, tomorrow = sys.argv[1], sys.argv[2], sys.argv[3]
driver, wait = open_browser()


def text(element_id):
    return driver.find_element(By.ID, element_id).text


try:
    driver.get(base + "/")
    wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    assert "Đăng nhập" in driver.page_source
    driver.find_element(By.ID, "password").send_keys("wrong-password")
    driver.find_element(By.CSS_SELECTOR, "#loginForm button").click()
    wait.until(lambda d: "Sai mật khẩu" in text("loginMsg"))
    step("a wrong password is refused in Vietnamese")
    driver.find_element(By.ID, "password").clear()
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#loginForm button").click()
    wait.until(lambda d: d.find_element(By.ID, "main").is_displayed())
    step("signed in")

    wait.until(lambda d: "Phòng chống ngập úng" in text("onair") and "còn lại" in text("onair"))
    step("the item on air with the time left: " + text("onair"))

    driver.find_element(By.ID, "emText").send_keys("Bão số ba đang vào đất liền, bà con chú ý.")
    driver.find_element(By.CSS_SELECTOR, "#emForm button[type=submit]").click()
    wait.until(lambda d: text("emMsg") == "Đang phát")
    wait.until(lambda d: "emergency" in text("events"))
    wait.until(lambda d: "bị ngắt" in text("events"))   # the programme item was cut
    step("a text emergency cut in and is in the log: " + text("events").splitlines()[0])

    driver.find_element(By.ID, "annTitle").send_keys("Họp tổ dân phố số 5")
    driver.find_element(By.ID, "annText").send_keys("Kính mời bà con đến họp lúc mười chín giờ.")
    driver.execute_script("document.getElementById('annFrom').value=arguments[0];"
                          "document.getElementById('annTo').value=arguments[0];", tomorrow)
    driver.find_element(By.CSS_SELECTOR, "#annForm button[type=submit]").click()
    wait.until(lambda d: text("annMsg") == "Đã lưu")
    driver.execute_script("const s=document.getElementById('day');s.value='1';s.dispatchEvent(new Event('change'));")
    wait.until(lambda d: "Họp tổ dân phố số 5" in text("programme"))
    step("a local announcement is in tomorrow's programme")

    first = driver.find_element(By.ID, "slotStart0")
    driver.execute_script("arguments[0].value='06:30'", first)
    driver.find_element(By.CSS_SELECTOR, "#slotForm button[type=submit]").click()
    wait.until(lambda d: text("slotMsg") == "Đã lưu")
    wait.until(lambda d: text("programme").startswith("06:30"))
    step("the morning slot moved to 06:30 in tomorrow's programme")

    driver.find_element(By.ID, "lang").click()
    wait.until(lambda d: "Slot times" in d.page_source and text("lang") == "Tiếng Việt")
    step("English switch")
except Exception as error:  # the step that failed, with what the page showed
    sys.stderr.write("FAILED: %r\n--- page text ---\n%s\n" % (error, driver.find_element(By.TAG_NAME, "body").text))
    sys.exit(1)
finally:
    driver.quit()
